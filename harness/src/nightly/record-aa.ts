/**
 * Records A/A nights: the same build (the default demo APK, release model) run N times on one
 * persistent vdevice through the real runner and the real adb server, each run's frames and
 * aggregates appended to the A/A fixture. Usage:
 *   node --import tsx harness/src/nightly/record-aa.ts [--nights 20] [--suite nightly] [--vdevices 1]
 * One vdevice (the machine has 2 cores shared with other work; more vdevices than cores measure the
 * host's scheduler, not the build). Its own adb server on a free port; stopped at the end.
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
import { FIXTURE_AGGREGATE_COLUMNS, framesOf, readOrStartFixture, writeAaFixture, type FixtureAggregate } from './aa-fixture.ts';

const { values } = parseArgs({ options: { nights: { type: 'string', default: '20' }, suite: { type: 'string', default: 'nightly' },
  vdevices: { type: 'string', default: '1' }, work: { type: 'string' } } });
const nights = Number(values.nights);
const work = values.work ?? mkdtempSync(join(tmpdir(), 'rio-aa-'));
const db = `sqlite:${join(work, 'aa.db')}`;
const adbPort = await ensureAdbServer(0); // never the user's 5037
process.env.ANDROID_ADB_SERVER_PORT = String(adbPort);
const fx = readOrStartFixture(values.suite!, `record-aa.ts, ${values.vdevices} vdevice(s), suite ${values.suite}`);
try {
  for (let i = 0; i < nights; i++) {
    const t0 = Date.now();
    const r = await runSuite({ ...DEFAULT_RUN_OPTIONS, suite: values.suite!, db, vdevices: Number(values.vdevices),
      vdeviceHome: join(work, 'vdevices'), out: join(work, 'reports', String(i)), saveCrops: false, labels: { aa: 'record' } },
    { progress: new RunProgress(process.stderr, false) });
    const wall = Date.now() - t0;
    const store = await openStore(db);
    try {
      const run = (await store.getRun(r.runId))!;
      const devices = await store.runDevices(r.runId);
      const rows = await store.measurements(r.runId);
      const aggs = await store.aggregates(r.runId);
      for (const d of devices) {
        const pick = (a: (typeof aggs)[number]) => Object.fromEntries(FIXTURE_AGGREGATE_COLUMNS.map((c) => [c, a[c]])) as FixtureAggregate;
        fx.nights.push({
          night: fx.nights.length, run_id: r.runId, started_at: run.started_at, wall_ms: wall, exit_code: r.exitCode,
          device: { serial: d.serial, model: modelLabel(d), virtual: d.virtual ?? 1 }, apk_sha256: run.apk_sha256 ?? '',
          frames: framesOf(rows.filter((m) => m.serial === d.serial)), aggregates: aggs.filter((a) => a.serial === d.serial).map(pick),
        });
      }
    } finally { await store.close(); }
    writeAaFixture(fx);
    process.stderr.write(`night ${fx.nights.length}: ${r.runId} exit ${r.exitCode} in ${(wall / 1000).toFixed(1)} s\n`);
  }
} finally {
  await killAdbServer(adbPort);
  if (!values.work) rmSync(work, { recursive: true, force: true });
}
