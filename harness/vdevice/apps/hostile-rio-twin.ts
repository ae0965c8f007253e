/**
 * The demo app as the `hostile` device runs it: it follows the contract's markers (RIO_START,
 * RIO_PROGRESS, RIO_DONE) so the harness pulls what it wrote, but what it wrote lies in the way
 * the firmware's next case says (device/hostile-firmware.ts). No model runs: a lie is instant.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, posix } from 'node:path';
import type { AppTwin, AppTwinContext, RunningApp } from './app-twin.ts';
import type { HostileCase, HostileFirmware } from '../device/hostile-firmware.ts';
import { APP_PACKAGE, BENCHMARK_ACTIVITY, LOG_TAG as TAG } from '../../../android-demo/contract/app-identity.ts';
import { formatMarker } from '../../../android-demo/contract/logcat-markers.ts';
/** How long a playlist scenario's manifest is waited for (as the app's manifest_wait_ms). */
const MANIFEST_WAIT_MS = 60_000;
/** Oversize results.json: past the harness's 16 MiB results budget. */
const OVERSIZE_BYTES = 20 * 1024 * 1024;

interface ManifestLike { frames: Array<{ index: number; file: string }> }

export function hostileRioTwin(firmware: HostileFirmware): AppTwin {
  return {
    async start(ctx: AppTwinContext): Promise<RunningApp> {
      if (!ctx.activity.endsWith(BENCHMARK_ACTIVITY)) return { done: Promise.resolve() };
      return { done: runLyingStart(ctx, firmware) };
    },
  };
}

/** A single start lies once; a playlist start (CONTRACT.md "Playlist") lies once per scenario. */
async function runLyingStart(ctx: AppTwinContext, firmware: HostileFirmware): Promise<void> {
  if (ctx.extras.playlist === undefined) return runLying(ctx, firmware, String(ctx.extras.run_id ?? ''), String(ctx.extras.manifest));
  const playlist = JSON.parse(readFileSync(ctx.hostPath(String(ctx.extras.playlist)), 'utf8')) as { session_id: string; runs: string[] };
  for (const runId of playlist.runs) {
    const manifest = posix.join(ctx.externalFilesDir, 'runs', runId, 'manifest.json');
    // like the real app: a later scenario's manifest arrives (maybe half-written) once its frames are pushed
    for (let waited = 0; !parses(ctx.hostPath(manifest)) && waited < MANIFEST_WAIT_MS && !ctx.signal.aborted; waited += 20) await sleep(20);
    if (ctx.signal.aborted) return;
    await runLying(ctx, firmware, runId, manifest);
  }
  ctx.log('I', TAG, formatMarker({ kind: 'sessionDone', run: playlist.session_id, scenarios: playlist.runs.length }));
}

function parses(hostPath: string): boolean {
  try { JSON.parse(readFileSync(hostPath, 'utf8')); return true; } catch { return false; }
}

async function runLying(ctx: AppTwinContext, firmware: HostileFirmware, runId: string, manifestPath: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(ctx.hostPath(manifestPath), 'utf8')) as ManifestLike;
  const runDir = posix.join(ctx.externalFilesDir, 'runs', runId);
  const lie = firmware.nextCase(runId);
  const n = manifest.frames.length;
  ctx.log('I', TAG, formatMarker({ kind: 'start', run: runId, frames: n }));
  for (let i = 1; i <= n; i++) ctx.log('I', TAG, formatMarker({ kind: 'progress', run: runId, done: i, total: n }));
  const write = (devicePath: string, data: string | Buffer) => {
    const host = ctx.hostPath(devicePath);
    mkdirSync(dirname(host), { recursive: true });
    writeFileSync(host, data);
  };
  const results = lyingResults(lie, runId, manifest);
  write(`${runDir}/results.json`, typeof results === 'string' ? results : JSON.stringify(results));
  if (lie === 'traversal-crop-names') {
    // one honest crop, so the folder exists and the lies sit beside a real file
    write(`${runDir}/crops/${manifest.frames[0]?.index ?? 0}.jpg`, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    firmware.lieAboutCrops(`${runDir}/crops`);
  }
  if (lie === 'endless-results') firmware.makeEndless(`${runDir}/results.json`);
  ctx.log('I', TAG, formatMarker({ kind: 'done', run: runId, status: 'ok' }));
}

/** results.json as the case wants it: schema-valid everywhere except where it lies. */
function lyingResults(lie: HostileCase, runId: string, manifest: ManifestLike): object | string {
  const frames = manifest.frames.map((f) => ({ index: f.index, file: f.file, t_decode: 1, t_pre: 1, t_infer: 1, t_post: 1, t_total: 4, dropped: false, detections: [] as unknown[] }));
  const base = {
    schema: 'rio-results/1', run_id: runId,
    app: { package: APP_PACKAGE, version_name: 'hostile', version_code: 1, runtime: 'hostile firmware' },
    model: { sha256: '0'.repeat(64), input_shape: [1, 256, 256, 3] },
    delegate: { requested: 'cpu', used: 'cpu' }, threads: 1, warmup: 0, fps: 0, save_crops: true,
    device_state: { start: { thermal_status: 0, battery_temp_c: 30 }, end: { thermal_status: 0, battery_temp_c: 30 } },
    status: 'ok', errors: [] as unknown[], frames,
  };
  switch (lie) {
    case 'frames-not-in-manifest':
      return { ...base, frames: [...frames.slice(1), { ...frames[0]!, index: 999_999, file: 'frames/../../../../etc/passwd' }] };
    case 'wrong-frame-count':
      return { ...base, frames: frames.slice(0, Math.max(0, frames.length - 1)) };
    case 'absurd-numbers':
      return { ...base, frames: [{ ...frames[0]!, t_total: 1e300, detections: [{ quad: [[0, 0], [1e12, 0], [1e12, 1e12], [0, 1e12]], score: 1 }] }, ...frames.slice(1)] };
    case 'control-characters-in-errors':
      return { ...base, status: 'error', errors: [{ code: 'PWNED\u001b[2J\u001b[H', message: 'all frames passed\r\u001b]0;pwned-title\u0007\u001b[32m PASS \u202e' }] };
    case 'oversize-results':
      return JSON.stringify({ ...base, scenario: ' '.repeat(OVERSIZE_BYTES) });
    default:
      return base;
  }
}
