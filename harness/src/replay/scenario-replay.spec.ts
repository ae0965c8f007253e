/**
 * One scenario replayed on a vdevice through the real adb server, per CONTRACT.md: a normal run,
 * and a results.json that fails validation (an infrastructure error, the bad file kept as evidence).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { ensureDemoApk } from '../../../android-demo/apk/index.ts';
import { buildSuite } from '../../../scenarios/generator/index.ts';
import type { BuiltScenario } from '../../../scenarios/generator/types.ts';
import { RioError } from '../errors.ts';
import { AdbDevice } from '../devices/adb-device.ts';
import { apkInfo, ensureInstalled } from '../install/apk-install.ts';
import { pushFrames } from '../install/frame-push.ts';
import { APP_FILES_DIR, APP_PACKAGE, parseMarker } from '../../../android-demo/contract/index.ts';
import { LogcatFeed } from './logcat-feed.ts';
import { replayScenario, type Evidence, type ReplayRequest } from './scenario-replay.ts';

let farm: TestFarm;
let adb: AdbDevice;
let scenario: BuiltScenario;
const logcat = new LogcatFeed();
const dir = mkdtempSync(join(tmpdir(), 'rio-replay-'));

before(async () => {
  farm = await startTestFarm({ count: 1 });
  adb = new AdbDevice(farm.client, farm.serials[0]!);
  await ensureInstalled(adb, apkInfo((await ensureDemoApk()).path, APP_PACKAGE));
  scenario = (await buildSuite('smoke')).scenarios.find((s) => s.id === 'daylight-wood')!;
  await pushFrames(adb, scenario.frames.map((f) => ({ sha256: f.sha256, path: f.path })));
  await logcat.start(adb);
});
after(async () => { logcat.stop(); await farm?.stop(); rmSync(dir, { recursive: true, force: true }); });

const request = (appRunId: string): ReplayRequest => ({
  appRunId, scenarioId: scenario.id, frames: scenario.frames.map((f) => ({ index: f.index, sha256: f.sha256 })),
  warmup: 1, threads: 1, delegate: 'cpu', fps: 0, saveCrops: true, timeoutMs: 60_000, stallMs: 20_000, evidenceDir: join(dir, appRunId),
});

test('replays a scenario: progress from logcat, validated results, crops and a logcat excerpt kept', async () => {
  const progress: number[] = [];
  const evidence: Evidence = {};
  const { results } = await replayScenario(adb, logcat, request('rio-ok-1'), evidence, (done) => progress.push(done));
  assert.equal(results.frames.length, scenario.frames.length);
  assert.deepEqual(progress, scenario.frames.map((_, i) => i + 1));
  assert.ok(existsSync(evidence.results!), `results kept: ${JSON.stringify(evidence)}`);
  const withDetections = results.frames.filter((f) => f.detections.length > 0).length;
  if (withDetections > 0) assert.ok(existsSync(evidence.crops!), "crops of frames with a detection are kept");
  assert.match(readFileSync(evidence.logcat!, 'utf8'), /RIO_DONE run=rio-ok-1 status=ok/);
  let left = -1;
  for (let i = 0; i < 20 && left !== 0; i++) { left = (await adb.list(`${APP_FILES_DIR}/runs/rio-ok-1`)).size; if (left) await new Promise((r) => setTimeout(r, 100)); }
  assert.equal(left, 0, 'the run folder is cleaned up on the device');
});

test('an invalid results.json is an INVALID_RESULTS infrastructure error and the file is kept', async () => {
  const vdevice = farm.vdevices[0]!;
  const runId = 'rio-bad-1';
  // Corrupt the file between the app writing it and the harness pulling it (RIO_DONE comes after the write).
  const unsubscribe = logcat.subscribe((e) => {
    const m = parseMarker(e.tag, e.message);
    if (m?.kind === 'done' && m.run === runId) {
      const path = vdevice.core.fs.hostPath(`${APP_FILES_DIR}/runs/${runId}/results.json`);
      const json = JSON.parse(readFileSync(path, 'utf8'));
      json.frames[0].t_total = -1;
      writeFileSync(path, JSON.stringify(json));
    }
  }, () => undefined);
  const evidence: Evidence = {};
  try {
    await assert.rejects(replayScenario(adb, logcat, request(runId), evidence, () => undefined), (err: unknown) => {
      assert.ok(err instanceof RioError);
      assert.equal(err.code, 'INVALID_RESULTS');
      assert.equal(err.failureClass, 'infrastructure');
      assert.match(err.message, /\/frames\/0\/t_total/);
      return true;
    });
  } finally { unsubscribe(); }
  assert.equal(JSON.parse(readFileSync(evidence.results!, 'utf8')).frames[0].t_total, -1, 'the invalid file is kept as evidence');
});
