/**
 * Replays one scenario on one device per android-demo/CONTRACT.md: push the manifest, `am start -W`
 * the benchmark, follow logcat, pull results.json (+ crops), keep the evidence, clean up. Failures
 * come out as RioErrors of the infrastructure kinds; the evidence is written before it throws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RioError } from '../errors.ts';
import { appRunDir, APP_PACKAGE, benchmarkStartCommand, checkResultsFrames, manifestOf, parseMarker, validateResults,
  type ManifestCamera, type Results } from '../../../android-demo/contract/index.ts';
import { shellQuote } from '../../appium-driver/lib/shell-quote.js';
import type { AdbDevice, LogEntry } from '../devices/adb-device.ts';
import { formatLogEntry, type LogcatFeed } from './logcat-feed.ts';
import { isCrashOf } from './app-crash.ts';
import { ADB_PROBE_TIMEOUT_MS } from '../devices/call-deadlines.js';
import { containedPath, safeBasename } from './contained-path.ts';
import { CROP_BUDGET, CROPS_TOTAL_MAX_BYTES, LOGCAT_EXCERPT_MAX_BYTES, MAX_CROP_FILES, RESULTS_BUDGET } from './pull-budgets.ts';

export interface ReplayRequest {
  appRunId: string;
  scenarioId: string;
  frames: readonly { index: number; sha256: string }[];
  /** the camera that shot the frames (the manifest's `camera`), when the scenario knows it */
  camera?: ManifestCamera;
  warmup: number;
  threads: number;
  delegate: string;
  fps: number;
  saveCrops: boolean;
  /** whole-scenario deadline (like Marathon's testBatchTimeoutMillis) */
  timeoutMs: number;
  /** longest silence between progress markers (like testOutputTimeoutMillis): catches hangs early */
  stallMs: number;
  /** absolute evidence folder of this attempt */
  evidenceDir: string;
}

export interface Evidence { logcat?: string; results?: string; crops?: string }

/** Where an attempt's wall time went (ms), kept as timings.json beside the evidence. */
export interface ReplayTimings { manifest: number; amStart: number; appRun: number; pullResults: number; pullCrops: number; cleanup: number }

export interface ReplayOutcome { results: Results; wallMs: number; timings: ReplayTimings }

export async function replayScenario(adb: AdbDevice, logcat: LogcatFeed, req: ReplayRequest, evidence: Evidence,
  onProgress: (done: number, total: number) => void): Promise<ReplayOutcome> {
  mkdirSync(req.evidenceDir, { recursive: true });
  const runDir = appRunDir(req.appRunId);
  const mark = logcat.mark();
  const t0 = performance.now();
  const timings: ReplayTimings = { manifest: 0, amStart: 0, appRun: 0, pullResults: 0, pullCrops: 0, cleanup: 0 };
  let lap = t0;
  const tick = (k: keyof ReplayTimings) => { const now = performance.now(); timings[k] = now - lap; lap = now; };
  const saveLogcat = () => {
    const lines = logcat.from(mark).filter((e) => relevant(e, req.appRunId)).map(formatLogEntry);
    let text = lines.join('\n') + '\n';
    // the newest lines say why the attempt ended: keep the tail when a flood overflows the budget
    if (text.length > LOGCAT_EXCERPT_MAX_BYTES) text = `[… logcat excerpt cut to its last ${LOGCAT_EXCERPT_MAX_BYTES} bytes]\n` + text.slice(-LOGCAT_EXCERPT_MAX_BYTES);
    evidence.logcat = join(req.evidenceDir, 'logcat.txt');
    writeFileSync(evidence.logcat, text);
  };
  try {
    const manifest = manifestOf(req.appRunId, req.scenarioId, req.frames, req.camera);
    await adb.push(Buffer.from(JSON.stringify(manifest)), `${runDir}/manifest.json`);
    if (!logcat.isOpen) await logcat.start(adb);
    tick('manifest');
    const finished = waitForDone(logcat, req, onProgress);
    finished.catch(() => undefined); // observed below; avoid an unhandled rejection while am start runs
    const am = await adb.shell(benchmarkStartCommand({ runId: req.appRunId, manifest: `${runDir}/manifest.json`,
      warmup: req.warmup, threads: req.threads, delegate: req.delegate, fps: req.fps, saveCrops: req.saveCrops }), req.timeoutMs);
    if (/^Error:|Exception/m.test(am)) throw new RioError('APP_CRASH', `am start failed: ${am.trim().split('\n').slice(-2).join(' ')}`, { device: adb.serial });
    tick('amStart');
    await finished;
    tick('appRun');
    const { bytes, json } = await readResults(adb, `${runDir}/results.json`);
    evidence.results = join(req.evidenceDir, 'results.json');
    writeFileSync(evidence.results, bytes);
    if (json === undefined) throw new RioError('INVALID_RESULTS', 'results.json is not JSON', { file: evidence.results });
    const results = validateResults(json, evidence.results);
    checkResultsFrames(results, manifest, { device: adb.serial, file: evidence.results });
    tick('pullResults');
    if (results.run_id !== req.appRunId) throw new RioError('INVALID_RESULTS', `results.json is for run ${results.run_id}`, { file: evidence.results, field: '/run_id' });
    if (results.status !== 'ok') {
      throw new RioError('APP_CRASH', `app reported status error: ${results.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`, { device: adb.serial });
    }
    if (req.saveCrops) await pullCrops(adb, `${runDir}/crops`, join(req.evidenceDir, 'crops'), new Set(results.frames.map((f) => f.index)), evidence);
    tick('pullCrops');
    const wallMs = performance.now() - t0;
    // Not awaited: the device deletes while the harness checks health for the next scenario.
    void adb.shell(`rm -rf ${shellQuote(runDir)}`).catch(() => undefined);
    tick('cleanup');
    writeFileSync(join(req.evidenceDir, 'timings.json'), JSON.stringify(timings));
    return { results, wallMs, timings };
  } catch (err) {
    // A hung or half-finished app must not run into the next attempt.
    await adb.shell(`am force-stop ${APP_PACKAGE}`, ADB_PROBE_TIMEOUT_MS).catch(() => undefined);
    throw err;
  } finally {
    saveLogcat();
  }
}

function relevant(e: LogEntry, runId: string): boolean {
  return e.tag === 'RIO' || e.tag === 'AndroidRuntime' || e.tag === 'ActivityManager' || e.priority >= 5 || e.message.includes(runId);
}

/** Resolves on RIO_DONE; rejects on a crash, on silence longer than stallMs, past timeoutMs, or when logcat ends. */
function waitForDone(logcat: LogcatFeed, req: ReplayRequest, onProgress: (done: number, total: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let stallTimer: NodeJS.Timeout;
    const deadline = setTimeout(() => finish(new RioError('TIMEOUT', `scenario ${req.scenarioId} did not finish within ${req.timeoutMs} ms`)), req.timeoutMs);
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => finish(new RioError('TIMEOUT', `no progress from the app for ${req.stallMs} ms (stalled)`)), req.stallMs);
    };
    const finish = (err?: Error) => {
      clearTimeout(deadline); clearTimeout(stallTimer); unsubscribe();
      if (err) reject(err); else resolve();
    };
    const unsubscribe = logcat.subscribe((e) => {
      if (isCrashOf(APP_PACKAGE, e.tag, e.message)) return finish(new RioError('APP_CRASH', `app crashed: ${e.message}`));
      const m = parseMarker(e.tag, e.message);
      if (!m || m.run !== req.appRunId) return;
      armStall();
      if (m.kind === 'progress') onProgress(m.done, m.total);
      else if (m.kind === 'done') finish();
    }, (err) => finish(new RioError('DEVICE_GONE', `logcat ended: ${err?.message ?? 'device disconnected'}`)));
    armStall();
  });
}

/**
 * results.json is small text: `cat` over the shell is one round trip, where a sync pull costs
 * ~50 ms on some devices. A missing file or unparsable output falls back to the pull (binary-safe).
 * Both are held to RESULTS_BUDGET: a device answering without end is cut, not waited for.
 */
async function readResults(adb: AdbDevice, path: string): Promise<{ bytes: Buffer; json: unknown }> {
  const parse = (b: Buffer) => { try { return JSON.parse(b.toString('utf8')) as unknown; } catch { return undefined; } };
  const text = Buffer.from(await adb.shell(`cat ${shellQuote(path)}`, RESULTS_BUDGET.timeoutMs, RESULTS_BUDGET), 'utf8');
  const viaShell = parse(text);
  if (viaShell !== undefined) return { bytes: text, json: viaShell };
  const bytes = await adb.pull(path, RESULTS_BUDGET).catch((err: RioError) => {
    if (err.code !== 'ADB_ERROR') throw err;
    throw new RioError('INVALID_RESULTS', `results.json missing after RIO_DONE: ${err.message}`, { device: adb.serial, file: path });
  });
  return { bytes, json: parse(bytes) };
}

/** Pulls in flight per attempt: overlaps per-file round trips. */
const CROP_PULLS = 4;

/** A crop the app may write: `<index>.jpg` for a frame it reported (CONTRACT.md). */
const CROP_NAME = /^(\d{1,9})\.jpg$/;

/**
 * Pulls the crops the app wrote. The names come from the device's listing, so each must be a
 * plain `<index>.jpg` of a reported frame; anything else (a path, control characters) means the
 * device is not telling the truth, and the attempt fails before a byte is written for it.
 */
async function pullCrops(adb: AdbDevice, deviceDir: string, hostDir: string, frames: ReadonlySet<number>, evidence: Evidence): Promise<void> {
  const files = await adb.list(deviceDir);
  if (files.size === 0) return;
  const where = (name: string) => ({ device: adb.serial, file: `${deviceDir}/${JSON.stringify(name.slice(0, 200)).slice(1, -1)}`, field: 'crops' });
  if (files.size > MAX_CROP_FILES) throw new RioError('INVALID_RESULTS', `${files.size} crop files listed, more than ${MAX_CROP_FILES}`, { device: adb.serial, file: deviceDir, field: 'crops' });
  const names = [...files.keys()];
  for (const name of names) {
    const m = CROP_NAME.exec(name);
    if (safeBasename(name) !== name || !m) throw new RioError('INVALID_RESULTS', 'crop file name is not <index>.jpg', where(name));
    if (!frames.has(Number(m[1]))) throw new RioError('INVALID_RESULTS', `crop of frame ${m[1]}, which results.json does not report`, { ...where(name), frame: Number(m[1]) });
  }
  mkdirSync(hostDir, { recursive: true });
  let next = 0;
  let total = 0;
  await Promise.all(Array.from({ length: Math.min(CROP_PULLS, names.length) }, async () => {
    while (next < names.length) {
      const name = names[next++]!;
      const bytes = await adb.pull(`${deviceDir}/${name}`, CROP_BUDGET);
      total += bytes.length;
      if (total > CROPS_TOTAL_MAX_BYTES) throw new RioError('INVALID_RESULTS', `crops exceed ${CROPS_TOTAL_MAX_BYTES} bytes in all`, where(name));
      writeFileSync(containedPath(hostDir, name, adb.serial), bytes);
    }
  }));
  evidence.crops = hostDir;
}
