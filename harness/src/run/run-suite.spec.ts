/**
 * `rio-farm run` end to end on vdevices through the real adb server: the smoke suite on three
 * devices, a second run that skips install and pushes, and the same run's aggregates on SQLite and
 * PostgreSQL.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { openStore, type MeasurementRow, type Store } from '../store/index.ts';
import { buildApk } from '../../../android-demo/apk/build-apk.ts';
import { exportRun, importRun } from '../store/run-export.ts';
import { computeAggregates } from '../metrics/aggregate.ts';
import { buildSuite } from '../../../scenarios/generator/index.ts';
import { PG_URL, postgresTestStore, warnIfNoPostgres } from '../store/test-stores.ts';
import { runSuite } from './run-suite.ts';
import { placeholderModel } from '../../../android-demo/apk/placeholder-model.ts';
import { demoQuarterTurn } from '../../../android-demo/apk/index.ts';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { quietProgress, tempRun } from './run-test-support.ts';
import { SESSION_MAX_SCENARIOS } from './scenario-session.ts';
import type { Results } from '../../../android-demo/contract/results-schema.ts';

let farm: TestFarm;
const tmp = tempRun();
let firstRunId = '';

before(async () => {
  farm = await startTestFarm({ count: 3 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { await farm?.stop(); tmp.cleanup(); });

test('runs the smoke suite on three vdevices end to end and leaves store rows and three reports', async () => {
  const suite = await buildSuite('smoke');
  const frames = suite.scenarios.reduce((n, s) => n + s.frames.length, 0);
  const opts = tmp.options({ labels: { branch: 'test' } });
  const r = await runSuite(opts, { progress: quietProgress() });
  firstRunId = r.runId;
  const store = await openStore(tmp.db);
  try {
    const items = await store.workItems(r.runId);
    assert.equal(items.length, 3 * suite.scenarios.length);
    assert.ok(items.every((i) => i.status === 'done'), 'every scenario finished on every device');
    const m = await store.measurements(r.runId);
    assert.equal(m.length, 3 * frames, 'one measurement row per frame per device');
    const aggs = await store.aggregates(r.runId);
    const whole = aggs.filter((a) => a.lighting === '*');
    assert.equal(whole.length, 3 * suite.scenarios.length);
    // the twin's inference cost in thread CPU time reaches the frame rows, the aggregates and run.json
    assert.ok(m.filter((f) => !f.dropped && !f.error).every((f) => typeof f.t_infer_cpu === 'number' && f.t_infer_cpu > 0), 't_infer_cpu on every processed frame');
    assert.ok(whole.every((a) => a.infer_cpu_p50! > 0 && a.infer_cpu_p50_lo! <= a.infer_cpu_p50! && a.infer_cpu_p90! >= a.infer_cpu_p50!), 'CPU-time percentiles');
    // the release APK runs the quarter-turn classifier on every detection: its stage time reaches the frame rows
    const processed = m.filter((f) => !f.dropped && !f.error);
    assert.ok(processed.every((f) => typeof f.t_turn === 'number' && f.t_turn <= f.t_total! + 1e-9), 't_turn on every processed frame, inside t_total');
    const withCards = processed.filter((f) => f.detections > 0);
    assert.ok(withCards.length > 0 && withCards.every((f) => f.t_turn! > 0), 'a frame with detections spent time turning them');
    const product = whole.some((a) => a.verdict === 'fail');
    assert.equal(r.exitCode, product ? 1 : 0, 'exit code follows the product verdicts');
    const devices = await store.runDevices(r.runId);
    assert.deepEqual(devices.map((d) => d.serial).sort(), [...farm.serials].sort());
    assert.ok(devices.every((d) => d.virtual === 1 && d.model && d.build_fingerprint && d.install_action === 'installed'));
    assert.ok(devices.every((d) => d.push_files! > 0), 'first run pushes frames');
    assert.equal((await store.listLeases()).length, 0, 'leases released');
    const samples = await store.samples(r.runId);
    assert.ok(samples.some((s) => s.phase === 'final') && samples.every((s) => s.thermal_status !== null));
    // One app session per device for scenarios sharing a replay fps (CONTRACT.md "Playlist"): the
    // health gate samples before each session, and each scenario's results.json names its place in it.
    const byFps = new Map<number, number>();
    for (const sc of suite.scenarios) byFps.set(sc.fps, (byFps.get(sc.fps) ?? 0) + 1);
    const sessions = [...byFps.values()].reduce((n, k) => n + Math.ceil(k / SESSION_MAX_SCENARIOS), 0);
    assert.ok(sessions < suite.scenarios.length, 'the smoke suite has scenarios to share a session');
    const attempts = await store.attempts(r.runId);
    for (const serial of farm.serials) {
      assert.equal(samples.filter((s) => s.serial === serial && s.phase.startsWith('before:')).length, sessions, 'sampled before each session');
      const placed = attempts.filter((a) => a.serial === serial).map((a) => JSON.parse(readFileSync(join(r.outDir, a.results_path!), 'utf8')) as Results);
      const ids = new Set(placed.map((p) => p.session!.id));
      assert.equal(ids.size, sessions, `${serial}: one app start per session`);
      for (const id of ids) {
        const positions = placed.filter((p) => p.session!.id === id).map((p) => p.session!.position).sort((a, b) => a - b);
        assert.deepEqual(positions, positions.map((_, k) => k), 'each scenario stored with its own results, in playlist order');
      }
    }
    for (const f of ['report.html', 'junit.xml', 'run.json']) assert.ok(existsSync(join(r.outDir, f)), f);
    const runJson = JSON.parse(readFileSync(join(r.outDir, 'run.json'), 'utf8')) as { aggregates: { infer_cpu_p50: number | null }[]; measurements: MeasurementRow[] };
    assert.ok(runJson.aggregates.every((a) => a.infer_cpu_p50! > 0), 'run.json carries the CPU-time percentiles');
    assert.deepEqual(runJson.measurements.map((f) => f.t_turn).sort(), m.map((f) => f.t_turn).sort(), 'and each frame\'s turn time');
    const junit = readFileSync(join(r.outDir, 'junit.xml'), 'utf8');
    assert.equal((junit.match(/<testcase /g) ?? []).length, 3 * suite.scenarios.length);
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    assert.ok(!/(src|href)="https?:/.test(html), 'the HTML report loads nothing from outside');
    assert.ok(html.includes('data:image/jpeg;base64,'), 'worst frames are embedded');
    assert.ok(attempts.every((a) => a.outcome === 'ok' && a.results_path && existsSync(join(r.outDir, a.results_path))), 'evidence kept');
  } finally { await store.close(); }
});

test('a second run skips install and frame pushes on devices that already have them', async () => {
  const r = await runSuite(tmp.options({ scenarios: ['daylight-wood'] }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const devices = await store.runDevices(r.runId);
    assert.equal(devices.length, 3);
    for (const d of devices) {
      assert.equal(d.install_action, 'skipped', `${d.serial} install`);
      assert.equal(d.push_files, 0, `${d.serial} pushed nothing`);
      assert.ok(d.push_skipped! > 0);
    }
  } finally { await store.close(); }
});

test('the same run on SQLite and PostgreSQL gives identical aggregates', async (t) => {
  warnIfNoPostgres();
  if (!PG_URL) { t.skip('RIO_TEST_PG not set'); return; }
  const sqlite = await openStore(tmp.db);
  const pg = await postgresTestStore();
  try {
    const exp = await exportRun(sqlite, firstRunId);
    await importRun(pg.store, exp);
    const opts = JSON.parse(exp.run.options_json);
    const fromPg = computeAggregates(await pg.store.measurements(firstRunId), { bars: opts.bars });
    const fromSqlite = computeAggregates(await sqlite.measurements(firstRunId), { bars: opts.bars });
    assert.deepEqual(fromPg, fromSqlite, 'recomputed from each database');
    assert.deepEqual(await pg.store.aggregates(firstRunId), await sqlite.aggregates(firstRunId), 'stored aggregates');
    const turns = async (store: Store) => (await store.measurements(firstRunId)).map((f) => `${f.attempt_id}#${f.frame_index} ${f.t_turn}`);
    const sqliteTurns = await turns(sqlite);
    assert.ok(sqliteTurns.some((t) => !t.endsWith(' null')), 'the run has turn times');
    assert.deepEqual(await turns(pg.store), sqliteTurns, 'each frame\'s turn time, exported and imported');
    const q = 'SELECT serial, COUNT(*) AS n, SUM(t_total) AS total, AVG(iou) AS iou FROM measurements WHERE run_id = ? GROUP BY serial ORDER BY serial';
    const a = await sqlite.db.all<{ serial: string; n: number; total: number; iou: number }>(q, [firstRunId]);
    const b = await pg.store.db.all<{ serial: string; n: number; total: number; iou: number }>(q, [firstRunId]);
    assert.equal(a.length, 3);
    a.forEach((row, i) => {
      assert.equal(b[i]!.serial, row.serial);
      assert.equal(b[i]!.n, row.n);
      assert.ok(Math.abs(b[i]!.total - row.total) < 1e-9 && Math.abs(b[i]!.iou - row.iou) < 1e-12, 'SQL aggregates agree');
    });
  } finally { await sqlite.close(); await pg.drop(); }
});

test('--model runs that model: the APK is rebuilt around it with the released quarter-turn classifier, reinstalled, and the run records both sha256s', async () => {
  const model = placeholderModel();
  const path = join(tmp.dir, 'other.tflite');
  writeFileSync(path, model);
  const r = await runSuite(tmp.options({ model: path, devices: [farm.serials[0]!], scenarios: ['daylight-wood'] }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const run = (await store.getRun(r.runId))!;
    assert.equal(run.model_sha256, createHash('sha256').update(model).digest('hex'), 'the app reports running the given model');
    const classifier = demoQuarterTurn();
    assert.ok(classifier, 'the released quarter-turn classifier is committed');
    assert.equal(run.quarter_turn_sha256, createHash('sha256').update(classifier).digest('hex'), 'and the classifier beside it, as the app reported it');
    assert.match(readFileSync(join(r.outDir, 'report.html'), 'utf8'), new RegExp(`quarter turn <code>${run.quarter_turn_sha256!.slice(0, 12)}</code>`), 'the report names both models');
    assert.equal((await store.runDevices(r.runId))[0]!.install_action, 'installed', 'a different APK is installed');
  } finally { await store.close(); }
});

test('--apk without a quarter-turn classifier: the run stores no turn time (t_turn NULL on every frame) and no classifier', async () => {
  const path = join(tmp.dir, 'no-turn.apk');
  await buildApk(placeholderModel(), path);
  const r = await runSuite(tmp.options({ apk: path, devices: [farm.serials[1]!], scenarios: ['daylight-wood'] }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    assert.equal((await store.getRun(r.runId))!.quarter_turn_sha256, null);
    const m = await store.measurements(r.runId);
    assert.ok(m.some((f) => f.detections > 0), 'the placeholder detector found cards, so a classifier would have had crops');
    assert.deepEqual(m.map((f) => f.t_turn), m.map(() => null));
  } finally { await store.close(); }
});

test('--shard runs each scenario once across devices of the same model', async () => {
  const scenarios = ['daylight-wood', 'dim-dark-cloth', 'glare-glossy', 'night-portrait'];
  const r = await runSuite(tmp.options({ shard: true, scenarios }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const items = await store.workItems(r.runId);
    assert.deepEqual(items.map((i) => i.scenario_id).sort(), [...scenarios].sort(), 'one item per scenario, not one per device');
    assert.ok(new Set(items.map((i) => i.slot_serial)).size >= 2, 'spread over several devices');
    assert.ok(items.every((i) => i.status === 'done'));
  } finally { await store.close(); }
});
