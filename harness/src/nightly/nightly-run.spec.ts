/**
 * `rio-farm nightly` end to end on a vdevice through the real adb server (its own port): tonight's
 * build and the pinned reference model both run and are stored as nightly runs; with one night
 * stored every series says "insufficient data"; a different reference model is bad input.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { openStore } from '../store/index.ts';
import { quietProgress, tempRun } from '../run/run-test-support.ts';
import { RioError } from '../errors.ts';
import { runNightly, type NightlyOptions } from './nightly-run.ts';
import { DEFAULT_REFERENCE_MODEL } from './reference-model.ts';

let farm: TestFarm;
const tmp = tempRun();
before(async () => {
  farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { await farm?.stop(); tmp.cleanup(); });

const options = (over: Partial<NightlyOptions> = {}): NightlyOptions => ({
  suite: 'smoke', devices: 'all', db: tmp.db, referenceModel: DEFAULT_REFERENCE_MODEL, home: join(tmp.dir, 'nightly'), vdevices: 1,
  run: { out: join(tmp.dir, 'reports'), health: tmp.options().health, scenarios: ['daylight-wood', 'white-on-white'] }, ...over,
});

test('runs tonight\'s build and the reference model on every device, stores both as nightly runs, and says insufficient data', async () => {
  const r = await runNightly(options(), { progress: quietProgress() });
  assert.equal(r.exitCode, 0);
  const store = await openStore(tmp.db);
  try {
    const labels = await Promise.all([r.candidate.runId, r.reference.runId].map((id) => store.runLabels(id)));
    assert.deepEqual(labels.map((l) => l.nightly), ['candidate', 'reference']);
    const runs = await Promise.all([r.candidate.runId, r.reference.runId].map((id) => store.getRun(id)));
    // Today's demo APK carries the release model, so both APKs may be the same bytes; the reference run is told the pinned copy.
    assert.match(JSON.parse(runs[1]!.options_json).model, /nightly\/reference\/[0-9a-f]{16}\.tflite$/);
    assert.equal(JSON.parse(runs[0]!.options_json).model, undefined);
    const devices = await store.runDevices(r.reference.runId);
    assert.deepEqual(devices.map((d) => d.serial), farm.serials, 'the reference ran on every device');
  } finally { await store.close(); }
  // a vdevice's wall-time and fps series are shown, never judged; every other series waits for six nights
  const states = [...r.night.states.values()];
  const judged = states.filter((s) => s.kind !== 'host-bound');
  assert.ok(judged.length > 0 && judged.every((s) => s.kind === 'insufficient' && s.have === 0 && s.need === 6));
  assert.ok([...r.night.states.keys()].some((id) => id.includes('"infer_cpu_p50"')), 'the vdevice\'s latency series is its inference CPU time');
  // a vdevice night replays unpaced: every frame is scored, none dropped, whatever the host's load
  const store2 = await openStore(tmp.db);
  try {
    for (const id of [r.candidate.runId, r.reference.runId]) {
      assert.equal(JSON.parse((await store2.getRun(id))!.options_json).fps, 0);
      assert.equal((await store2.measurements(id)).filter((m) => m.dropped).length, 0);
    }
  } finally { await store2.close(); }
  assert.equal(r.night.alerts.length, 0);
});

test('a reference model other than the pinned one is refused as bad input (its series would jump)', async () => {
  const other = join(tmp.dir, 'other.tflite');
  const bytes = readFileSync(DEFAULT_REFERENCE_MODEL);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(other, bytes);
  await assert.rejects(runNightly(options({ referenceModel: other }), { progress: quietProgress() }),
    (e: unknown) => e instanceof RioError && e.exitCode === 3 && /reference model changed/.test(e.message));
});
