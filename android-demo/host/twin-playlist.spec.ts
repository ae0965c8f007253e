/**
 * The playlist form (CONTRACT.md "Playlist") on the host twin through the real adb server, driven
 * by the harness's own session (harness/src/replay/app-session.ts): one start, one warm-up, each
 * scenario its own markers and results; a manifest pushed late (frames still on their way) is
 * waited for.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestFarm } from '../../harness/test-support/farm.ts';
import { buildApk } from '../apk/build-apk.ts';
import { placeholderModel } from '../apk/placeholder-model.ts';
import { AdbDevice } from '../../harness/src/devices/adb-device.ts';
import { LogcatFeed } from '../../harness/src/replay/logcat-feed.ts';
import { AppSession } from '../../harness/src/replay/app-session.ts';
import { collectScenario } from '../../harness/src/replay/scenario-replay.ts';
import { FRAMES_DIR, parseMarker } from '../contract/index.ts';
import { writeSyntheticFrames, type SyntheticFrame } from './test-support/synthetic-frames.ts';
import { installApk } from './test-support/device-run.ts';

let dir: string;
let apkPath: string;
let frames: SyntheticFrame[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rio-twin-playlist-'));
  apkPath = join(dir, 'rio.apk');
  await buildApk(placeholderModel(), apkPath);
  frames = await writeSyntheticFrames(dir, 6);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a playlist runs its scenarios on one app start, results per scenario in order, a late manifest waited for', async () => {
  const farm = await startTestFarm({ count: 1 });
  const serial = farm.serials[0]!;
  const adb = new AdbDevice(farm.client, serial);
  const logcat = new LogcatFeed();
  try {
    await installApk(farm, serial, apkPath);
    const push = (fs: SyntheticFrame[]) => adb.pushMany(fs.map((f) => ({ from: f.path, to: `${FRAMES_DIR}/${f.sha256}.jpg` })));
    const parts = [frames.slice(0, 2), frames.slice(2, 4), frames.slice(4)];
    const scenarios = parts.map((fs, k) => ({ appRunId: `pl-${k}`, scenarioId: `s${k}`, frames: fs.map((f) => ({ index: f.index, sha256: f.sha256 })), timeoutMs: 60_000 }));
    const mark = logcat.mark();
    const session = await AppSession.start(adb, logcat, scenarios, { sessionId: 'pl-session', warmup: 2, threads: 1, delegate: 'cpu', fps: 0, saveCrops: false, stallMs: 30_000 },
      // scenario 2's frames arrive late: the app must wait for its manifest, not fail it
      async (k) => { if (k === 2) await sleep(1500); await push(parts[k]!); }, () => undefined);
    const outcomes = [];
    for (let k = 0; k < scenarios.length; k++) outcomes.push(await collectScenario(session, k, join(dir, `ev-${k}`), {}, { manifest: 0, amStart: 0 }));
    session.close();
    assert.deepEqual(outcomes.map((o) => [o.results.run_id, o.results.status, o.results.frames.length, o.results.session]),
      [['pl-0', 'ok', 2, { id: 'pl-session', position: 0 }], ['pl-1', 'ok', 2, { id: 'pl-session', position: 1 }], ['pl-2', 'ok', 2, { id: 'pl-session', position: 2 }]]);
    // one model load and one warm-up for the session: the app started once (one ActivityManager start)
    const markers = logcat.from(mark).map((e) => parseMarker(e.tag, e.message)).filter((m) => m !== null);
    assert.deepEqual(markers.filter((m) => m.kind === 'start').map((m) => m.run), ['pl-0', 'pl-1', 'pl-2']);
    for (let wait = 0; !markers.some((m) => m.kind === 'sessionDone') && wait < 50; wait++) {
      await sleep(100);
      markers.splice(0, markers.length, ...logcat.from(mark).map((e) => parseMarker(e.tag, e.message)).filter((m) => m !== null));
    }
    assert.ok(markers.some((m) => m.kind === 'sessionDone' && m.run === 'pl-session' && m.scenarios === 3), 'RIO_SESSION_DONE after the last');
    const starts = logcat.from(mark).filter((e) => e.tag === 'ActivityManager' && e.message.startsWith('Start proc ') && e.message.includes('BenchmarkActivity'));
    assert.equal(starts.length, 1, 'one am start for three scenarios');
  } finally {
    logcat.stop();
    await farm.stop();
  }
});
