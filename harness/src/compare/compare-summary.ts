/**
 * What a finished run stores once for comparisons (store: compare_summaries, migration 100), so a
 * first `compare` of any two runs reads two summaries instead of bootstrapping 2 × 20,000 frames and
 * scanning the frames of ten history runs:
 *
 * - per cell (device × lighting, by serial; for vdevices, whose serials change from run to run, also
 *   by model) and metric (latency, IoU, a vdevice's inference CPU time), the statistic of each paired cluster resample (`pairedResamples`, under the
 *   cell's own seed): a paired CI is the percentiles of B's vector minus A's, so it follows exactly;
 * - per history cell, the run's statistic (`historyCellValues`): its contribution as history;
 * - per cell of both kinds, its blocks of values (`cellSamples`: latency, IoU, and inference CPU time
 *   of a vdevice that reports it): the values, medians, means and Mann–Whitney p of a comparison,
 *   and the resamples of any cell the stored ones do not answer, follow from them without its frames.
 *
 * Nothing here is a second implementation: the vectors and values are what compare-runs.ts and
 * run-noise.ts compute themselves when a side has no summary (unpaired plans, pooled nightly sides,
 * run.json files), and are only used for exactly the cell, serials and frame rule they were made for.
 */
import { CLUSTER_ITERATIONS, pairedResamples } from '../stats/cluster-bootstrap.ts';
import {
  cellKeyer, cellSamples, cellSeed, group, HISTORY_STATISTICS, HISTORY_VALUES, drawsCI, resampleKey,
  RESAMPLED_STATISTIC, type CellMetric, type CellSamples, type CompareMeasurement, type DeviceKey, type RunSide,
} from './compare-runs.ts';
import { CellWriter, cellsFor, decodeCells, type EncodedCells, type StoredCells } from './stored-cells.ts';
import { float64sOf, toBase64 } from './base64-arrays.ts';
import { historyCellValues } from './run-noise.ts';
import { DEFAULT_FRAME_RULE, type FrameRule } from '../metrics/counted-frames.ts';
import { RioError } from '../errors.ts';
import type { CompareSummaryText } from '../store/compare-summaries.ts';
import { setImmediate as yieldToOthers } from 'node:timers/promises';

/** Bumped when what a summary holds changes: older summaries are then ignored and redone. */
// 2: a vdevice CPU-time cell's history value and resamples are its floor (p05), not its median.
export const COMPARE_SUMMARY_VERSION = 2;

export interface CompareSummary {
  /**
   * The frames it summarises: a side holding another array (filtered, pooled, shifted — nightly's
   * injections, confirmation pools) is compared from its frames, never from this summary.
   */
  readonly frames: readonly CompareMeasurement[];
  /** The stored resamples of a cell, when they were computed under `rule` (else undefined: compare computes them). */
  resamples(key: string, rule: FrameRule | undefined): Float64Array | undefined;
  /** The run's history cell values (run-noise.ts keys). */
  history: ReadonlyMap<string, number>;
  /**
   * The side's cells as compare groups them with `keyOf` (its pairing with the other run), when
   * the stored ones are exactly those (same serials per cell, same frame rule); else undefined.
   */
  cells(keyOf: (serial: string) => DeviceKey, rule: FrameRule | undefined): Map<string, CellSamples> | undefined;
  /** The side was loaded without its frames (loadComparedSides): only these cells describe it. */
  framesOmitted: boolean;
}

/** resamples_json: base64 of float64s, `iterations` per key. */
interface EncodedResamples { version: number; iterations: number; include_thermal: boolean; keys: string[]; values: string }
/** history_json: base64 of float64s, one per key. */
interface EncodedHistory { version: number; keys: string[]; values: string }
/**
 * Computes a run's summary from its side as loadRunSide reads it (its frame order, its own frame
 * rule) and encodes it as the texts the store keeps. Cell by cell with a turn for other work in
 * between: ~1 s of CPU for a 20,000-frame run must not stall a server.
 */
export async function encodeCompareSummary(side: RunSide): Promise<CompareSummaryText> {
  const rule = side.rule ?? DEFAULT_FRAME_RULE;
  const all = new Set(side.devices.map((d) => d.serial));
  const keys: string[] = [];
  const vectors: Float64Array[] = [];
  const cells = new CellWriter(COMPARE_SUMMARY_VERSION, rule);
  // By serial (the same phone in both runs), and by model for vdevices (matched by model across runs).
  for (const [by, common, only] of [['serial', all, () => true], ['model', new Set<string>(), (virtual: boolean | null) => virtual === true]] as const) {
    for (const g of group(side.measurements, cellKeyer(side, common)).values()) {
      if (!only(g.key.virtual)) continue;
      const samples = cellSamples(g, side.rule);
      cells.add(by, samples);
      for (const metric of ['lat', 'iou', 'cpu'] as const) {
        const clusters = samples[metric]?.clusters;
        if (!clusters || !drawsCI(clusters)) continue; // no CI is drawn
        // A CPU-time cell is the latency cell on another measure: its floor, under the latency's seed (compare-runs.ts' latencyDiff).
        const as: CellMetric = metric === 'cpu' ? 'lat' : metric;
        keys.push(resampleKey(metric, g.key.device, g.lighting, [...g.serials]));
        vectors.push(pairedResamples(clusters, RESAMPLED_STATISTIC[metric], cellSeed(g.key.device, g.lighting, as)));
      }
      await yieldToOthers();
    }
  }
  const flat = new Float64Array(keys.length * CLUSTER_ITERATIONS);
  vectors.forEach((v, i) => flat.set(v, i * CLUSTER_ITERATIONS));
  const history = historyCellValues(side, HISTORY_VALUES, HISTORY_STATISTICS);
  const resamples: EncodedResamples = { version: COMPARE_SUMMARY_VERSION, iterations: CLUSTER_ITERATIONS, include_thermal: rule.includeThermal, keys, values: toBase64(flat) };
  const hist: EncodedHistory = { version: COMPARE_SUMMARY_VERSION, keys: [...history.keys()], values: toBase64(Float64Array.from(history.values())) };
  return { resamples_json: JSON.stringify(resamples), history_json: JSON.stringify(hist), cells_json: JSON.stringify(cells.encoded()) };
}

/** The side's summary when it describes exactly the side's frames, else undefined. */
export const summaryOf = (side: RunSide): CompareSummary | undefined => (side.summary?.frames === side.measurements ? side.summary : undefined);

function parse<T extends { version: number }>(text: string, runId: string): T | undefined {
  let e: T;
  try { e = JSON.parse(text) as T; } catch (err) {
    throw new RioError('INTERNAL_ERROR', `the stored compare summary of run ${runId} is not JSON: ${(err as Error).message}`, { run: runId });
  }
  return e.version === COMPARE_SUMMARY_VERSION ? e : undefined;
}

function decodeHistory(text: string, runId: string): Map<string, number> | undefined {
  const e = parse<EncodedHistory>(text, runId);
  if (!e) return undefined;
  const values = float64sOf(e.values);
  return new Map(e.keys.map((k, i) => [k, values[i]!]));
}

/**
 * Reads a stored summary of `frames` (the run's, as loaded). Undefined for one another version
 * wrote; with only the history (a run read as history), it has no resamples.
 */
export function decodeCompareSummary(text: Partial<CompareSummaryText>, runId: string, frames: readonly CompareMeasurement[],
  { framesOmitted = false } = {}): CompareSummary | undefined {
  const history = text.history_json === undefined ? undefined : decodeHistory(text.history_json, runId);
  if (!history) return undefined;
  // Decoded when first asked for: a side loaded with its frames to be summarised never needs them.
  let stored: StoredCells | undefined | null = null;
  const storedCells = () => {
    if (stored !== null) return stored;
    const e = text.cells_json ? parse<EncodedCells>(text.cells_json, runId) : undefined;
    return stored = e ? decodeCells(e) : undefined;
  };
  const r = text.resamples_json === undefined ? undefined : parse<EncodedResamples>(text.resamples_json, runId);
  const usable = r && r.iterations === CLUSTER_ITERATIONS ? r : undefined;
  const flat = usable ? float64sOf(usable.values) : new Float64Array(0);
  const at = new Map(usable?.keys.map((k, i) => [k, i]) ?? []);
  return {
    frames,
    resamples(key, rule) {
      const i = at.get(key);
      if (i === undefined || (rule ?? DEFAULT_FRAME_RULE).includeThermal !== usable!.include_thermal) return undefined;
      return flat.subarray(i * CLUSTER_ITERATIONS, (i + 1) * CLUSTER_ITERATIONS);
    },
    history,
    cells(keyOf, rule) {
      const c = storedCells();
      if (!c || (rule ?? DEFAULT_FRAME_RULE).includeThermal !== c.includeThermal) return undefined;
      return cellsFor(c.cells, keyOf);
    },
    framesOmitted,
  };
}
