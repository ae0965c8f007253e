/**
 * Replays scenarios on one device per android-demo/CONTRACT.md: an app session (app-session.ts)
 * runs them; per scenario this file waits for its RIO_DONE, pulls results.json (+ crops), keeps the
 * evidence and cleans up — while the app already works on the next one. Failures come out as
 * RioErrors of the infrastructure kinds; the evidence is written before it throws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RioError } from '../errors.ts';
import { appRunDir, checkResultsFrames, validateResults, type Results } from '../../../android-demo/contract/index.ts';
import { shellQuote } from '../../appium-driver/lib/shell-quote.js';
import type { AdbDevice, LogEntry } from '../devices/adb-device.ts';
import { formatLogEntry, type LogcatFeed } from './logcat-feed.ts';
import { AppSession, type SessionOptions, type SessionScenario } from './app-session.ts';
import { containedPath, safeBasename } from './contained-path.ts';
import { CROP_BUDGET, CROPS_TOTAL_MAX_BYTES, LOGCAT_EXCERPT_MAX_BYTES, MAX_CROP_FILES, RESULTS_BUDGET } from './pull-budgets.ts';

export interface ReplayRequest extends SessionScenario, Omit<SessionOptions, 'sessionId'> {
  /** absolute evidence folder of this attempt */
  evidenceDir: string;
}

export interface Evidence { logcat?: string; results?: string; crops?: string }

/**
 * Where an attempt's wall time went (ms), kept as timings.json beside the evidence. In a session
 * only the first scenario pays manifest and amStart; appRun runs from the scenario's turn (the
 * previous one's RIO_DONE) to its own.
 */
export interface ReplayTimings { manifest: number; amStart: number; appRun: number; pullResults: number; pullCrops: number; cleanup: number }

export interface ReplayOutcome { results: Results; wallMs: number; timings: ReplayTimings }

/** One scenario alone: a session of one (the runner uses sessions of many, run/scenario-session.ts); kept for its spec, which replays one scenario through the same AppSession. */
export async function replayScenario(adb: AdbDevice, logcat: LogcatFeed, req: ReplayRequest, evidence: Evidence,
  onProgress: (done: number, total: number) => void): Promise<ReplayOutcome> {
  mkdirSync(req.evidenceDir, { recursive: true });
  const mark = logcat.mark();
  const t0 = performance.now();
  try {
    const session = await AppSession.start(adb, logcat, [req], { ...req, sessionId: `${req.appRunId}.session` }, async () => undefined, (_, d, t) => onProgress(d, t));
    const startMs = performance.now() - t0;
    try {
      return await collectScenario(session, 0, req.evidenceDir, evidence, { manifest: 0, amStart: startMs });
    } catch (err) {
      await session.stop();
      throw err;
    } finally {
      session.close();
      void adb.shell(`rm -rf ${shellQuote(session.sessionDir)}`).catch(() => undefined);
    }
  } finally {
    saveLogcatExcerpt(logcat, mark, req.appRunId, req.evidenceDir, evidence);
  }
}

/** The logcat lines of one scenario since `mark`, its excerpt within budget, kept as evidence. */
export function saveLogcatExcerpt(logcat: LogcatFeed, mark: number, appRunId: string, evidenceDir: string, evidence: Evidence): void {
  mkdirSync(evidenceDir, { recursive: true });
  const lines = logcat.from(mark).filter((e) => relevant(e, appRunId)).map(formatLogEntry);
  let text = lines.join('\n') + '\n';
  // the newest lines say why the attempt ended: keep the tail when a flood overflows the budget
  if (text.length > LOGCAT_EXCERPT_MAX_BYTES) text = `[… logcat excerpt cut to its last ${LOGCAT_EXCERPT_MAX_BYTES} bytes]\n` + text.slice(-LOGCAT_EXCERPT_MAX_BYTES);
  evidence.logcat = join(evidenceDir, 'logcat.txt');
  writeFileSync(evidence.logcat, text);
}

/**
 * Waits for scenario `position` of `session` to end, then reads and checks its results.json and
 * crops into `evidenceDir` and removes its folder on the device. Throws the session's failure or a
 * results failure (INVALID_RESULTS, APP_CRASH for status error); the session goes on after the latter.
 */
export async function collectScenario(session: AppSession, position: number, evidenceDir: string, evidence: Evidence,
  start: Pick<ReplayTimings, 'manifest' | 'amStart'>): Promise<ReplayOutcome> {
  const adb = session.adb;
  const scenario = session.scenarios[position]!;
  const manifest = session.manifests[position]!;
  const runDir = appRunDir(scenario.appRunId);
  mkdirSync(evidenceDir, { recursive: true });
  await session.done(position);
  const t0 = session.turnStartedAt[position]!;
  let lap = performance.now();
  const timings: ReplayTimings = { ...start, appRun: lap - t0, pullResults: 0, pullCrops: 0, cleanup: 0 };
  const tick = (k: keyof ReplayTimings) => { const now = performance.now(); timings[k] = now - lap; lap = now; };
  const { bytes, json } = await readResults(adb, `${runDir}/results.json`);
  evidence.results = join(evidenceDir, 'results.json');
  writeFileSync(evidence.results, bytes);
  if (json === undefined) throw new RioError('INVALID_RESULTS', 'results.json is not JSON', { file: evidence.results });
  const results = validateResults(json, evidence.results);
  checkResultsFrames(results, manifest, { device: adb.serial, file: evidence.results });
  tick('pullResults');
  if (results.run_id !== scenario.appRunId) throw new RioError('INVALID_RESULTS', `results.json is for run ${results.run_id}`, { file: evidence.results, field: '/run_id' });
  if (results.status !== 'ok') {
    throw new RioError('APP_CRASH', `app reported status error: ${results.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`, { device: adb.serial });
  }
  if (session.opts.saveCrops) await pullCrops(adb, `${runDir}/crops`, join(evidenceDir, 'crops'), new Set(results.frames.map((f) => f.index)), evidence);
  tick('pullCrops');
  const wallMs = performance.now() - t0 + start.manifest + start.amStart;
  // Not awaited: the device deletes while the harness goes on with the next scenario.
  void adb.shell(`rm -rf ${shellQuote(runDir)}`).catch(() => undefined);
  tick('cleanup');
  writeFileSync(join(evidenceDir, 'timings.json'), JSON.stringify(timings));
  return { results, wallMs, timings };
}

function relevant(e: LogEntry, runId: string): boolean {
  return e.tag === 'RIO' || e.tag === 'AndroidRuntime' || e.tag === 'ActivityManager' || e.priority >= 5 || e.message.includes(runId);
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
