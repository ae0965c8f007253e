/**
 * A device's work items run as one app session (CONTRACT.md "Playlist"): one start, one model
 * load and warm-up, each scenario still its own attempt with its own evidence and stored result.
 * The device never waits on the harness: the next scenarios' frames and manifests are pushed, the
 * finished ones' results pulled and stored, while the app works.
 */
import { shellQuote } from '../../appium-driver/lib/shell-quote.js';
import { RioError } from '../errors.ts';
import type { WorkItemRow } from '../store/rows.ts';
import type { AdbDevice } from '../devices/adb-device.ts';
import type { LogcatFeed } from '../replay/logcat-feed.ts';
import { AppSession } from '../replay/app-session.ts';
import { collectScenario, saveLogcatExcerpt } from '../replay/scenario-replay.ts';
import { appRunDir } from '../../../android-demo/contract/app-identity.ts';
import { beginAttempt, failAttempt, nextAppRunId, sessionScenarioOf, storeAttempt, type AttemptResult, type StartedAttempt } from './attempt.ts';
import { appRunId } from './run-id.ts';
import type { RunContext } from './run-context.ts';

/**
 * Scenarios per session. The health and thermal gate, the lease check before work and a stuck
 * app's blast radius are per session: a few dozen scenarios keep the start cost negligible
 * (one start instead of 32) while a device still gets its cool-down check every few minutes.
 */
export const SESSION_MAX_SCENARIOS = 32;

export interface SessionRun {
  /** items that ran (an attempt each), in order, with their outcome */
  attempted: { item: WorkItemRow; result: AttemptResult }[];
  /** items the session never reached (it ended on an earlier one): no attempt was counted */
  unstarted: WorkItemRow[];
}

export interface SessionHooks {
  /** makes these scenarios' frames present on the device */
  ensureFrames(scenarioIds: string[]): Promise<unknown>;
  /** whether work may still start on the device: the lease, renewed before each scenario so a take-over stops the session */
  mayStart(): Promise<boolean>;
  /** frames done of the scenario in progress */
  onProgress(item: WorkItemRow, done: number, total: number): void;
  /** a scenario's attempt ended (stored or failed); awaited in the store chain, so it runs beside the app's work */
  onAttempt(item: WorkItemRow, result: AttemptResult): void | Promise<void>;
}

let sessions = 0;

export async function runScenarioSession(ctx: RunContext, adb: AdbDevice, logcat: LogcatFeed, items: readonly WorkItemRow[],
  thermalBefore: number, hooks: SessionHooks): Promise<SessionRun> {
  const out: SessionRun = { attempted: [], unstarted: [] };
  // stores run in the background, in order; the loop goes on to the next scenario meanwhile
  let storing: Promise<unknown> = Promise.resolve();
  const record = (item: WorkItemRow, result: () => Promise<AttemptResult>) => {
    storing = storing.then(result).then((r) => { out.attempted.push({ item, result: r }); return hooks.onAttempt(item, r); });
  };
  const appRuns = items.map((item) => nextAppRunId(ctx, item));
  const sessionId = appRunId(`${ctx.runId}/${adb.serial}/session-${++sessions}`);
  const scenarios = items.map((item, k) => sessionScenarioOf(ctx, item, appRuns[k]!));

  const first = await beginAttempt(ctx, adb.serial, items[0]!);
  if (!('id' in first)) return { attempted: [{ item: items[0]!, result: first }], unstarted: items.slice(1) };
  let mark = logcat.mark();
  const t0 = performance.now();
  let session: AppSession;
  try {
    session = await AppSession.start(adb, logcat, scenarios, { ...sessionOptions(ctx, items[0]!), sessionId },
      (k) => hooks.ensureFrames([items[k]!.scenario_id]).then(() => undefined), (k, done, total) => hooks.onProgress(items[k]!, done, total));
  } catch (err) {
    saveLogcatExcerpt(logcat, mark, first.appRunId, first.evidenceDir, first.evidence);
    out.attempted.push({ item: items[0]!, result: await failAttempt(ctx, first, err) });
    await hooks.onAttempt(items[0]!, out.attempted[0]!.result);
    out.unstarted.push(...items.slice(1));
    return out;
  }
  const startMs = performance.now() - t0;
  let sessionFailed = false;
  try {
    let attempt: StartedAttempt = first;
    for (let k = 0; k < items.length; k++) {
      if (k > 0) {
        if (session.neverStarted(k) || ctx.signal.aborted || !await hooks.mayStart()) { out.unstarted.push(...items.slice(k)); break; }
        const begun = await beginAttempt(ctx, adb.serial, items[k]!);
        if (!('id' in begun)) { record(items[k]!, async () => begun); out.unstarted.push(...items.slice(k + 1)); sessionFailed = true; break; }
        // the app id was fixed when the playlist was made; a resumed count must not change it
        if (begun.appRunId !== appRuns[k]) throw new RioError('INTERNAL_ERROR', `attempt ${begun.id} is not the one the playlist named`, { device: adb.serial });
        attempt = begun;
        mark = logcat.mark();
      }
      const a = attempt;
      try {
        const outcome = await collectScenario(session, k, a.evidenceDir, a.evidence, { manifest: 0, amStart: k === 0 ? startMs : 0 });
        saveLogcatExcerpt(logcat, mark, a.appRunId, a.evidenceDir, a.evidence);
        record(items[k]!, () => storeAttempt(ctx, a, outcome, thermalBefore));
      } catch (err) {
        saveLogcatExcerpt(logcat, mark, a.appRunId, a.evidenceDir, a.evidence);
        record(items[k]!, () => failAttempt(ctx, a, err));
        // a results failure leaves the app running the next scenario; a session failure ends it
        if (session.neverStarted(k + 1)) { sessionFailed = true; out.unstarted.push(...items.slice(k + 1)); break; }
      }
    }
  } finally {
    if (sessionFailed || out.unstarted.length) await session.stop();
    session.close();
    await storing;
    // the session's playlist and the folders of scenarios it never reached (their manifests)
    const leftovers = [session.sessionDir, ...out.unstarted.map((it) => appRunDir(appRuns[items.indexOf(it)]!))];
    void adb.shell(`rm -rf ${leftovers.map(shellQuote).join(' ')}`).catch(() => undefined);
  }
  return out;
}

function sessionOptions(ctx: RunContext, item: WorkItemRow) {
  const scenario = ctx.scenarios.get(item.scenario_id)!;
  return { warmup: ctx.opts.warmup, threads: ctx.opts.threads, delegate: ctx.opts.delegate, fps: ctx.opts.fps ?? scenario.fps,
    saveCrops: ctx.opts.saveCrops, stallMs: ctx.opts.stallMs };
}
