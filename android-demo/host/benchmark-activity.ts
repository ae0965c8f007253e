/**
 * .BenchmarkActivity of the host twin: the headless benchmark of CONTRACT.md — a manifest or a
 * playlist of them in; per scenario results.json, crops and RIO logcat markers out — on the APK's
 * own model and the shared C++ core.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import type { AppTwinContext, RunningApp } from '../../harness/vdevice/apps/app-twin.ts';
import { RESULTS_SCHEMA_ID, type AppError, type FrameResult, type Results } from '../contract/results-schema.ts';
import { validateManifest, type Manifest } from '../contract/manifest-schema.ts';
import { validatePlaylist, type Playlist } from '../contract/playlist-schema.ts';
import { formatMarker } from '../contract/logcat-markers.ts';
import { LOG_TAG as TAG } from '../contract/app-identity.ts';
import { loadApkModel, type ApkModel } from './apk-model.ts';
import { parseBenchmarkExtras, type BenchmarkExtras } from '../contract/benchmark-extras.ts';
import { processFrame, type FrameOutcome } from './frame-pipeline.ts';
import { crop } from '../cpp/rio-core.ts';

/** Longer crop side; a phone screen shows no more than this. */
export const CROP_MAX_SIDE = 640;

/** What a benchmark run reports about the model it ran (results.json `app` and `model`). */
export type RunModel = Pick<ApkModel, 'sha256' | 'apkSha256' | 'app' | 'inputShape'> & { readonly quarterTurn?: { readonly sha256: string } };

/**
 * What runs the frames: the APK's model on LiteRT.js and the C++ core (the twin), or a recording
 * of it (recorded-engine.ts: a vdevice profile that carries 50 devices on one host).
 */
export interface BenchmarkEngine<M extends RunModel = RunModel> {
  /** results.json `app.runtime` */
  readonly runtime: string;
  load(ctx: AppTwinContext): Promise<M>;
  /** slowdown: the vdevice's `--slowdown` factor (1 = none), spent on the inference thread */
  process(model: M, hostPath: string, file: string, slowdown?: number): Promise<FrameOutcome>;
}

/** The twin's own engine: the APK's model and the shared C++ core. */
export const TWIN_ENGINE: BenchmarkEngine<ApkModel> = {
  runtime: 'litert.js host-twin',
  load: (ctx) => loadApkModel(ctx.apkHostPath),
  process: (model, hostPath, _file, slowdown) => processFrame(model, hostPath, slowdown),
};

/** Starts the benchmark; resolves once "displayed" (extras checked), the run goes on in `done`. */
export async function startBenchmark(ctx: AppTwinContext, engine: BenchmarkEngine = TWIN_ENGINE): Promise<RunningApp> {
  const extras = parseBenchmarkExtras(ctx.extras);
  if ('code' in extras) {
    ctx.log('E', TAG, formatMarker({ kind: 'error', run: extras.runId ?? '-', code: extras.code, message: extras.message }));
    if (!extras.runId) return { done: Promise.resolve() };
    const runId = extras.runId;
    return { done: writeFailure(ctx, engine.runtime, runId, [extras], undefined, undefined) };
  }
  return { done: extras.playlist !== undefined ? runPlaylist(ctx, engine, extras, extras.playlist)
    : runSession(ctx, engine, extras, [{ runId: extras.runId, manifest: extras.manifest! }]).then(() => undefined) };
}

/** One scenario of a start: its run id and its manifest's device path. */
interface ScenarioEntry { runId: string; manifest: string }

/** A playlist start: its scenarios in order (CONTRACT.md "Playlist"), then RIO_SESSION_DONE. */
async function runPlaylist(ctx: AppTwinContext, engine: BenchmarkEngine, x: BenchmarkExtras, path: string): Promise<void> {
  let playlist: Playlist;
  try {
    playlist = validatePlaylist(JSON.parse(await readFile(ctx.hostPath(path), 'utf8')), path);
  } catch (e) {
    ctx.log('E', TAG, formatMarker({ kind: 'error', run: x.runId, code: 'BAD_PLAYLIST', message: e instanceof Error ? e.message : String(e) }));
    ctx.log('I', TAG, formatMarker({ kind: 'sessionDone', run: x.runId, scenarios: 0 }));
    return;
  }
  const done = await runSession(ctx, engine, x, playlist.runs.map((runId) => ({ runId, manifest: posix.join(ctx.externalFilesDir, 'runs', runId, 'manifest.json') })), playlist.session_id);
  if (done !== undefined) ctx.log('I', TAG, formatMarker({ kind: 'sessionDone', run: playlist.session_id, scenarios: done }));
}

/**
 * Runs the scenarios in order on one model load and one warm-up (the first scenario's first
 * frame). In a playlist each manifest is waited for (the harness pushes it once its frames are in
 * place). Returns how many scenarios finished; undefined when force-stopped.
 */
async function runSession(ctx: AppTwinContext, engine: BenchmarkEngine, x: BenchmarkExtras, entries: readonly ScenarioEntry[], sessionId?: string): Promise<number | undefined> {
  let model: RunModel | Error | undefined;
  let warm = false;
  for (const [position, entry] of entries.entries()) {
    if (ctx.signal.aborted) return undefined;
    const session = sessionId !== undefined ? { id: sessionId, position } : undefined;
    const sx: BenchmarkExtras = { ...x, runId: entry.runId, manifest: entry.manifest };
    let manifest: Manifest;
    try {
      manifest = await readManifest(ctx, entry.manifest, sessionId !== undefined ? x.manifestWaitMs : 0);
    } catch (e) {
      if (ctx.signal.aborted) return undefined;
      await writeFailure(ctx, engine.runtime, entry.runId, [{ code: 'BAD_MANIFEST', message: e instanceof Error ? e.message : String(e) }], sx, undefined, session);
      continue;
    }
    model ??= await engine.load(ctx).catch((e: unknown) => e instanceof Error ? e : new Error(String(e)));
    if (model instanceof Error) {
      await writeFailure(ctx, engine.runtime, entry.runId, [{ code: 'MODEL_LOAD_FAILED', message: model.message }], sx, manifest, session);
      continue;
    }
    if (x.delegate !== 'cpu' && position === 0) ctx.log('W', TAG, `delegate ${x.delegate} unavailable in the host twin (LiteRT.js WASM); using cpu`);
    const ran = await runScenario(ctx, engine, sx, manifest, model, warm ? 0 : x.warmup, session);
    if (!ran) return undefined;
    warm ||= manifest.frames.length > 0;
  }
  return entries.length;
}

/** The manifest at `path`; within a playlist, waited for up to `waitMs` (absent or half-written = not there yet). */
async function readManifest(ctx: AppTwinContext, path: string, waitMs: number): Promise<Manifest> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    try {
      return validateManifest(JSON.parse(await readFile(ctx.hostPath(path), 'utf8')), path);
    } catch (e) {
      if (performance.now() >= deadline || ctx.signal.aborted) throw e;
      await sleep(MANIFEST_POLL_MS);
    }
  }
}

/** How often a playlist session looks for the next manifest: small beside a scenario, cheap on the device. */
const MANIFEST_POLL_MS = 20;

/** One scenario, markers and results.json as CONTRACT.md; false when force-stopped (a killed app writes nothing). */
async function runScenario(ctx: AppTwinContext, engine: BenchmarkEngine, x: BenchmarkExtras, manifest: Manifest, model: RunModel, warmup: number,
  session: { id: string; position: number } | undefined): Promise<boolean> {
  const runDir = posix.join(ctx.externalFilesDir, 'runs', x.runId);
  const startState = sample(ctx);
  const startedAt = new Date().toISOString();
  const n = manifest.frames.length;
  ctx.log('I', TAG, formatMarker({ kind: 'start', run: x.runId, frames: n }));
  const framePath = (file: string) => ctx.hostPath(posix.join(ctx.externalFilesDir, file));

  // Warm-up: the first frame, all stages, not reported (JIT, caches, like the Kotlin side); once per session.
  for (let i = 0; i < warmup && n > 0 && !ctx.signal.aborted; i++) await engine.process(model, framePath(manifest.frames[0]!.file), manifest.frames[0]!.file, ctx.slowdown);

  const wallStart = performance.now();
  const frames: FrameResult[] = [];
  const errors: AppError[] = [];
  const period = x.fps > 0 ? 1000 / x.fps : 0;
  let i = 0;
  while (i < n) {
    if (ctx.signal.aborted) return false;
    const f = manifest.frames[i]!;
    if (period > 0) {
      const wait = wallStart + i * period - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await ctx.beforeWork(f.index); // device load model and injected faults (crash rejects here)
    const out = await engine.process(model, framePath(f.file), f.file, ctx.slowdown);
    const result = toFrameResult(f, out);
    frames.push(result);
    if (result.error) {
      errors.push({ ...result.error, frame: f.index });
      ctx.log('E', TAG, formatMarker({ kind: 'error', run: x.runId, code: result.error.code, message: `frame ${f.index}: ${result.error.message}` }));
    }
    if (x.saveCrops && out.frame && out.detections[0]) await saveCrop(ctx, runDir, f.index, out, manifest.camera?.fov_deg);
    // Keep-only-latest camera: frames that arrived while busy, except the newest, are never seen.
    let next = i + 1;
    if (period > 0) {
      const latest = Math.min(n - 1, Math.floor((performance.now() - wallStart) / period));
      for (; next < latest; next++) {
        const d = manifest.frames[next]!;
        frames.push({ index: d.index, file: d.file, t_decode: 0, t_pre: 0, t_infer: 0, t_post: 0, t_total: 0, dropped: true, detections: [] });
      }
    }
    i = next;
    ctx.log('I', TAG, formatMarker({ kind: 'progress', run: x.runId, done: frames.length, total: n }));
  }
  const results: Results = {
    ...header(ctx, x, manifest, model, session, engine.runtime),
    device_state: { start: startState, end: sample(ctx) },
    started_at: startedAt,
    wall_ms: Math.round((performance.now() - wallStart) * 1000) / 1000,
    status: errors.length ? 'error' : 'ok',
    errors,
    frames,
  };
  await writeResults(ctx, runDir, results);
  ctx.log('I', TAG, formatMarker({ kind: 'done', run: x.runId, status: results.status }));
  return true;
}

function toFrameResult(f: { index: number; file: string }, o: FrameOutcome): FrameResult {
  const r: FrameResult = {
    index: f.index, file: f.file,
    t_decode: o.t_decode, t_pre: o.t_pre, t_infer: o.t_infer, t_post: o.t_post, t_total: o.t_total,
    dropped: false, detections: o.detections,
  };
  if (o.t_turn !== undefined) r.t_turn = o.t_turn;
  if (o.t_infer_cpu !== undefined) r.t_infer_cpu = o.t_infer_cpu;
  if (o.frame) { r.width = o.frame.width; r.height = o.frame.height; }
  if (o.error) r.error = o.error;
  return r;
}

function sample(ctx: AppTwinContext) {
  return { thermal_status: ctx.thermalStatus(), battery_temp_c: ctx.batteryTempC() };
}

/** runtime: the engine's own label, so a recorded profile's results never read as the twin's (not even its failures) */
function header(ctx: AppTwinContext, x: BenchmarkExtras, manifest: Manifest | undefined, model: RunModel | undefined,
  session: { id: string; position: number } | undefined, runtime: string) {
  return {
    schema: RESULTS_SCHEMA_ID as typeof RESULTS_SCHEMA_ID,
    run_id: x.runId,
    ...(manifest ? { scenario: manifest.scenario } : {}),
    app: {
      package: model?.app.packageName ?? ctx.packageName,
      version_name: model?.app.versionName ?? 'unknown',
      version_code: model?.app.versionCode ?? 1,
      ...(model ? { apk_sha256: model.apkSha256 } : {}),
      runtime,
    },
    model: { sha256: model?.sha256 ?? '0'.repeat(64), input_shape: model?.inputShape ?? [1, 256, 256, 3],
      ...(model ? { corner_order: model.quarterTurn ? 'quarter_turn' as const : 'detector' as const } : {}),
      ...(model?.quarterTurn ? { quarter_turn: { sha256: model.quarterTurn.sha256 } } : {}) },
    delegate: { requested: x.delegate, used: 'cpu' as const },
    threads: x.threads,
    threads_used: 1,
    warmup: x.warmup,
    fps: x.fps,
    save_crops: x.saveCrops,
    ...(session ? { session } : {}),
  };
}

/** A run that could not start still answers with a results.json saying why (status error). */
async function writeFailure(ctx: AppTwinContext, runtime: string, runId: string, errors: AppError[], x: BenchmarkExtras | undefined, manifest: Manifest | undefined,
  session?: { id: string; position: number }): Promise<void> {
  const extras: BenchmarkExtras = x ?? { runId, manifest: '', manifestWaitMs: 0, warmup: 0, threads: 1, delegate: 'cpu', fps: 0, saveCrops: false };
  for (const e of errors) ctx.log('E', TAG, formatMarker({ kind: 'error', run: runId, code: e.code, message: e.message }));
  const state = sample(ctx);
  const results: Results = { ...header(ctx, extras, manifest, undefined, session, runtime), device_state: { start: state, end: state }, status: 'error', errors, frames: [] };
  await writeResults(ctx, posix.join(ctx.externalFilesDir, 'runs', runId), results);
  ctx.log('I', TAG, formatMarker({ kind: 'done', run: runId, status: 'error' }));
}

/** tmp + rename, so the harness never pulls half a file. */
async function writeResults(ctx: AppTwinContext, runDir: string, results: Results): Promise<void> {
  const target = ctx.hostPath(posix.join(runDir, 'results.json'));
  await mkdir(dirname(target), { recursive: true });
  await writeFile(`${target}.tmp`, JSON.stringify(results, null, 1));
  await rename(`${target}.tmp`, target);
}

async function saveCrop(ctx: AppTwinContext, runDir: string, index: number, o: FrameOutcome, fovDeg: number | undefined): Promise<void> {
  const f = o.frame!;
  const c = crop({ pixels: f.rgb, width: f.width, height: f.height, channels: 3, quad: o.detections[0]!.quad, maxSide: CROP_MAX_SIDE, fovDeg });
  if (c.error) return;
  const target = ctx.hostPath(posix.join(runDir, 'crops', `${index}.jpg`));
  await mkdir(dirname(target), { recursive: true });
  await sharp(c.pixels, { raw: { width: c.width, height: c.height, channels: 3 } }).jpeg({ quality: 90 }).toFile(target);
}
