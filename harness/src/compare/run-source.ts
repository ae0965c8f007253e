/** Where compare reads a run from: its id in the store, or a run.json export (file or report folder). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RioError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { exportRun, validateRunExport, type RunExport } from '../store/run-export.ts';
import { cellKeyer, commonSerials, type CompareMeasurement, type RunSide } from './compare-runs.ts';
import { frameRuleOf } from '../metrics/counted-frames.ts';
import { parseRunOptions } from '../metrics/run-aggregate-options.ts';
import { decodeCompareSummary } from './compare-summary.ts';

export async function loadRun(ref: string, store: () => Promise<Store>): Promise<RunExport> {
  const file = existsSync(ref) && statSync(ref).isDirectory() ? join(ref, 'run.json') : ref;
  if (file.endsWith('.json') && existsSync(file)) return validateRunExport(JSON.parse(readFileSync(file, 'utf8')));
  return exportRun(await store(), ref);
}

/**
 * One side of a comparison straight from the store: the run's devices, only the measurement columns
 * compare reads (unless `frames: false`), and the run's compare summary when it has a current one.
 */
export async function loadRunSide(store: Store, runId: string, { frames = true } = {}): Promise<RunSide & { finished: boolean }> {
  const run = await store.getRun(runId);
  if (!run) throw new RioError('NOT_FOUND', `no run ${runId} in the store`, { run: runId });
  const [devices, measurements, summary] = await Promise.all([store.runDevices(runId), frames ? store.latencyIouRows(runId) : [], store.compareSummary(runId)]);
  return { id: runId, devices, measurements, rule: frameRuleOf(parseRunOptions(run.options_json)), finished: run.finished_at !== null && run.status !== 'running',
    summary: summary === undefined ? undefined : decodeCompareSummary(summary, runId, measurements, { framesOmitted: !frames }) };
}

/**
 * Both sides of a comparison of stored runs: a side whose stored cells answer this pairing is read
 * from its summary alone (two summaries instead of 2 × 20,000 frame rows), any other with its frames.
 */
export async function loadComparedSides(store: Store, a: string, b: string): Promise<[RunSide, RunSide]> {
  const bare = await Promise.all([a, b].map((id) => loadRunSide(store, id, { frames: false })));
  const common = commonSerials(bare[0]!, bare[1]!);
  const [sa, sb] = await Promise.all(bare.map((side) =>
    (side.summary?.cells(cellKeyer(side, common), side.rule) ? side : loadRunSide(store, side.id))));
  return [sa!, sb!];
}

/**
 * A run as history for another's comparison: only its stored history cell values when it has a
 * current summary (its frames are not read), else the whole side.
 */
export async function loadHistorySide(store: Store, runId: string): Promise<RunSide> {
  const history = await store.compareHistory(runId);
  const measurements: CompareMeasurement[] = [];
  const summary = history === undefined ? undefined : decodeCompareSummary({ history_json: history }, runId, measurements);
  if (!summary) return loadRunSide(store, runId);
  return { id: runId, devices: [], measurements, summary };
}

/** One side of a comparison from a run export (run.json or the store's export), under the run's own rule. */
export function runSideOf(exp: RunExport): RunSide {
  return { id: exp.run.id, devices: exp.devices, measurements: exp.measurements, rule: frameRuleOf(parseRunOptions(exp.run.options_json)) };
}
