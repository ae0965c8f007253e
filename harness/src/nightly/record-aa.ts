/**
 * Records A/A nights: the same build (the default demo APK, release model) run N times on
 * persistent vdevices through the real runner and the real adb server, each night as `rio-farm
 * nightly` runs it on vdevices — unpaced (fps 0), then the frozen reference model right after (the
 * control series, same host state) — its frames and aggregates appended to the A/A fixture. Usage:
 *   node --import tsx harness/src/nightly/record-aa.ts [--nights 20] [--suite nightly] [--vdevices 2] [--scenarios all|A,B,…] [--fixture PATH]
 * By default the nights run AA_SCENARIOS, a 100-frame slice of the nightly suite, on 2 vdevices (one
 * per core; aa-fixture.ts pooledNights): the whole suite took ~12 min a night on this loaded host.
 * Never more vdevices than cores (more measure the host's scheduler, not the build). Its own adb
 * server on a free port; stopped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSuite } from '../run/run-suite.ts';
import { DEFAULT_RUN_OPTIONS } from '../run/run-options.ts';
import { RunProgress } from '../run/progress.ts';
import { ensureAdbServer, killAdbServer } from '../devices/index.ts';
import { openStore } from '../store/index.ts';
import { modelLabel } from '../fingerprint/device-fingerprint.ts';
import { AA_FIXTURE, AA_SCENARIOS, FIXTURE_AGGREGATE_COLUMNS, framesOf, readOrStartFixture, writeAaFixture, type FixtureAggregate } from './aa-fixture.ts';
import { DEFAULT_REFERENCE_MODEL, pinReferenceModel } from './reference-model.ts';
import type { RunOptions } from '../run/run-options.ts';

const { values } = parseArgs({ options: { nights: { type: 'string', default: '20' }, suite: { type: 'string', default: 'nightly' },
  vdevices: { type: 'string', default: '2' }, work: { type: 'string' }, scenarios: { type: 'string', default: AA_SCENARIOS.join(',') },
  fixture: { type: 'string' } } });
const scenarios = values.scenarios === 'all' ? undefined : values.scenarios!.split(',').map((x) => x.trim()).filter(Boolean);
const nights = Number(values.nights);
const work = values.work ?? mkdtempSync(join(tmpdir(), 'rio-aa-'));
const db = `sqlite:${join(work, 'aa.db')}`;
const adbPort = await ensureAdbServer(0); // never the user's 5037
process.env.ANDROID_ADB_SERVER_PORT = String(adbPort);
const fixture = values.fixture ?? AA_FIXTURE; // --fixture: record a host's nights apart from the committed ones
const fx = readOrStartFixture(values.suite!, `record-aa.ts, ${values.vdevices} vdevice(s), suite ${values.suite}${scenarios ? ` (${scenarios.length} scenarios)` : ''}, unpaced, + reference model`, fixture);
const pinned = pinReferenceModel(DEFAULT_REFERENCE_MODEL, join(work, 'reference'));
try {
  for (let i = 0; i < nights; i++) {
    const t0 = Date.now();
    const run = (over: Partial<RunOptions>, tag: string) => runSuite({ ...DEFAULT_RUN_OPTIONS, suite: values.suite!, db, vdevices: Number(values.vdevices),
      vdeviceHome: join(work, 'vdevices'), out: join(work, 'reports', `${i}-${tag}`), saveCrops: false, labels: { aa: tag }, fps: 0, scenarios, ...over },
    { progress: new RunProgress(process.stderr, false) });
    const r = await run({}, 'candidate');
    const wall = Date.now() - t0;
    // The control right after, on the same (persistent) vdevice: it shares the night's host state.
    const ref = await run({ model: pinned.path }, 'reference');
    const store = await openStore(db);
    try {
      const run = (await store.getRun(r.runId))!;
      const devices = await store.runDevices(r.runId);
      const rows = await store.measurements(r.runId);
      const aggs = await store.aggregates(r.runId);
      const pick = (a: (typeof aggs)[number]) => Object.fromEntries(FIXTURE_AGGREGATE_COLUMNS.map((c) => [c, a[c]])) as FixtureAggregate;
      const refRun = (await store.getRun(ref.runId))!;
      const refRows = await store.measurements(ref.runId);
      const refAggs = await store.aggregates(ref.runId);
      for (const d of devices) {
        fx.nights.push({
          night: fx.nights.length, run_id: r.runId, started_at: run.started_at, wall_ms: wall, exit_code: r.exitCode,
          device: { serial: d.serial, model: modelLabel(d), virtual: d.virtual ?? 1 }, apk_sha256: run.apk_sha256 ?? '',
          frames: framesOf(rows.filter((m) => m.serial === d.serial)), aggregates: aggs.filter((a) => a.serial === d.serial).map(pick),
          reference: { run_id: refRun.id, started_at: refRun.started_at, apk_sha256: refRun.apk_sha256 ?? '',
            frames: framesOf(refRows.filter((m) => m.serial === d.serial)), aggregates: refAggs.filter((a) => a.serial === d.serial).map(pick) },
        });
      }
    } finally { await store.close(); }
    writeAaFixture(fx, fixture);
    process.stderr.write(`night ${fx.nights.length}: ${r.runId} exit ${r.exitCode} in ${(wall / 1000).toFixed(1)} s\n`);
  }
} finally {
  await killAdbServer(adbPort);
  if (!values.work) rmSync(work, { recursive: true, force: true });
}
