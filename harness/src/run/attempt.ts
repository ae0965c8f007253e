/**
 * One attempt at one work item on one device: begun (a row), then measured and stored the moment
 * its results are pulled, atomically with marking the item done — or failed with its evidence.
 * Every attempt is a row with its evidence (paths relative to the run's out dir), whatever its
 * outcome. The replay itself runs in a session of many (scenario-session.ts).
 */
import { join, relative } from 'node:path';
import { RioError } from '../errors.ts';
import type { WorkItemRow } from '../store/rows.ts';
import { measureFrames, attemptThermal } from '../metrics/frame-measurements.ts';
import type { Evidence, ReplayOutcome } from '../replay/scenario-replay.ts';
import type { SessionScenario } from '../replay/app-session.ts';
import { PER_FRAME_MS, SCENARIO_BASE_MS } from './run-options.ts';
import { recordPendingFailures, type RunContext } from './run-context.ts';
import { appRunId, safeName } from './run-id.ts';

export interface AttemptResult { ok: boolean; error?: RioError; frames: number }

/** An attempt whose row is written: its id, the app's run id and where its evidence goes. */
export interface StartedAttempt { id: string; item: WorkItemRow; appRunId: string; evidenceDir: string; evidence: Evidence; serial: string }

/** The attempt number the next attempt at `item` will have (not yet counted). */
export function nextAttemptNumber(ctx: RunContext, item: WorkItemRow): number {
  return (ctx.attemptsUsed.get(item.id) ?? 0) + 1;
}

/** The app-side run id of the next attempt at `item` (its device folder, its markers). */
export function nextAppRunId(ctx: RunContext, item: WorkItemRow): string {
  return appRunId(`${item.id}/a${nextAttemptNumber(ctx, item)}`);
}

/** Counts and records the attempt's start; a store failure comes back as a failed AttemptResult (nothing ran yet). */
export async function beginAttempt(ctx: RunContext, serial: string, item: WorkItemRow): Promise<StartedAttempt | AttemptResult> {
  const n = nextAttemptNumber(ctx, item);
  ctx.attemptsUsed.set(item.id, n);
  const id = `${item.id}/a${n}`;
  const evidenceDir = join(ctx.outDir, 'attempts', safeName(serial), `${safeName(item.scenario_id)}-r${item.repeat_index}-a${n}`);
  await recordPendingFailures(ctx);
  try {
    await storeWrite('recording the attempt start', ctx.store.startAttempt({ id, run_id: ctx.runId, item_id: item.id, attempt: n, serial,
      scenario_id: item.scenario_id, evidence_dir: relative(ctx.outDir, evidenceDir) }));
  } catch (err) {
    return { ok: false, error: err as RioError, frames: 0 }; // retried like any infrastructure failure
  }
  return { id, item, appRunId: appRunId(id), evidenceDir, evidence: {}, serial };
}

/** What `ReplayRequest` needs of an item beyond the session's options: its frames, camera and deadline. */
export function sessionScenarioOf(ctx: RunContext, item: WorkItemRow, appRun: string): SessionScenario {
  const scenario = ctx.scenarios.get(item.scenario_id)!;
  return { appRunId: appRun, scenarioId: scenario.id, frames: scenario.frames.map((f) => ({ index: f.index, sha256: f.sha256 })), camera: scenario.camera,
    timeoutMs: ctx.opts.scenarioTimeoutMs ?? SCENARIO_BASE_MS + scenario.frames.length * PER_FRAME_MS };
}

/** Measures a pulled results.json against the truth and stores it with the item done, atomically. */
export async function storeAttempt(ctx: RunContext, a: StartedAttempt, outcome: ReplayOutcome, thermalBefore: number): Promise<AttemptResult> {
  const { results, wallMs } = outcome;
  const { id, item, evidence } = a;
  const rel = (p?: string) => (p ? relative(ctx.outDir, p) : null);
  try {
    const frames = ctx.scenarios.get(item.scenario_id)!.frames;
    const truth = ctx.truth.get(item.scenario_id)!;
    const missing = frames.filter((f) => !results.frames.some((r) => r.index === f.index));
    if (missing.length) {
      throw new RioError('INVALID_RESULTS', `results.json lacks ${missing.length} of ${frames.length} frames (first: ${missing[0]!.index})`,
        { file: evidence.results ?? 'results.json', field: '/frames' });
    }
    const rows = measureFrames(results, truth, { attempt_id: id, run_id: ctx.runId, serial: a.serial, scenario_id: item.scenario_id,
      repeat_index: item.repeat_index, harnessThermal: thermalBefore });
    await storeWrite(`storing the results of ${id}`, ctx.store.completeAttempt(id, item.id, {
      logcat_path: rel(evidence.logcat), results_path: rel(evidence.results), crops_dir: rel(evidence.crops),
      thermal_start: results.device_state.start.thermal_status, thermal_end: results.device_state.end.thermal_status,
      battery_temp_start: results.device_state.start.battery_temp_c, battery_temp_end: results.device_state.end.battery_temp_c,
      delegate_used: results.delegate.used, wall_ms: wallMs,
    }, rows));
    // The item is done from here on: what follows is annotation, and a store error in it must not
    // turn a stored result into a failure that would run the scenario again.
    const note = (err: unknown) => ctx.progress.note(`${a.serial}: ${id}: ${storeError('annotating the run', err).message}`);
    // The app and model identity come from the app itself (what actually ran), first attempt wins.
    await ctx.store.recordAppIdentity(ctx.runId, `${results.app.version_name} (${results.app.version_code})`, results.model.sha256,
      results.model.quarter_turn?.sha256 ?? null).catch(note);
    if (attemptThermal(results, thermalBefore) > 0) {
      await ctx.store.addEvent({ run_id: ctx.runId, serial: a.serial, at: Date.now(), kind: 'thermal-flagged',
        detail: `${item.scenario_id}: thermal ${results.device_state.start.thermal_status}→${results.device_state.end.thermal_status}, ${rows.length} frames flagged` }).catch(note);
    }
    return { ok: true, frames: rows.length };
  } catch (err) {
    return failAttempt(ctx, a, err);
  }
}

/** Records the attempt's failure with its evidence; a row that cannot be written is kept for the next chance. */
export async function failAttempt(ctx: RunContext, a: StartedAttempt, err: unknown): Promise<AttemptResult> {
  const rel = (p?: string) => (p ? relative(ctx.outDir, p) : null);
  const e = err instanceof RioError ? err : new RioError('INTERNAL_ERROR', (err as Error)?.stack ?? String(err), { device: a.serial }, { cause: err });
  const failure = { error_code: e.code, error_message: e.message,
    logcat_path: rel(a.evidence.logcat), results_path: rel(a.evidence.results), crops_dir: rel(a.evidence.crops) };
  await ctx.store.failAttempt(a.id, failure).catch((storeErr) => {
    // The evidence files stay on disk either way; the row saying so is written at the next chance.
    ctx.unrecordedFailures.set(a.id, failure);
    ctx.progress.note(`${a.serial}: ${a.id} failed (${e.code}) and ${storeError('recording that', storeErr).message}; evidence kept in ${a.evidenceDir}`);
  });
  return { ok: false, error: e, frames: 0 };
}

/** A store failure (SQLITE_BUSY, a lost connection, a failed write) as the infrastructure failure it is. */
function storeError(what: string, err: unknown): RioError {
  if (err instanceof RioError && err.code === 'STORE_ERROR') return err;
  const e = err as { code?: string; message?: string };
  return new RioError('STORE_ERROR', `${what} failed: ${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(err)}`, undefined, { cause: err });
}

/** Awaits a store write, turning its failure into STORE_ERROR so the attempt is retried, not lost. */
async function storeWrite<T>(what: string, write: Promise<T>): Promise<T> {
  try { return await write; } catch (err) { throw storeError(what, err); }
}
