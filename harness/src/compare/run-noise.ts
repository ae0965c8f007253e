/**
 * Between-run noise from history: earlier runs of the same build on the same device give, per
 * device × lighting cell, the spread of the cell's statistic from one night to the next — the host's
 * load, the device's heat, the scheduler — which no resampling inside one pair of runs can see.
 */
import { modelLabel } from '../fingerprint/device-fingerprint.ts';
import { ALL_LIGHTING } from '../metrics/lighting.ts';
import { quantile, std } from '../stats/descriptive.ts';
import { studentTQuantile } from '../stats/student-t.ts';
import type { CompareMeasurement, RunSide } from './compare-runs.ts';
import { summaryOf } from './compare-summary.ts';

/** Fewer earlier runs than this: no between-run spread (two values give a meaningless SD). */
export const MIN_HISTORY_RUNS = 3;
/** Fewer frames than this in a history run's cell: that run says nothing about the cell. */
const MIN_HISTORY_FRAMES = 10;

export interface HistoryStats { runs: number; sd: number; values: number[] }

export interface CellIdentity { serials: string[]; model: string | null; virtual: boolean | null; lighting: string }

/** wall latency, inference CPU time (the stable latency of a virtual device), IoU */
type Metric = 'latency' | 'infer_cpu' | 'iou';

/** The share of same-build pair differences a verdict must exceed (a 95% interval). */
const PAIR_QUANTILE = 0.95;

/**
 * Half-width of the 95% interval of a difference of two runs' statistics from run-to-run spread
 * alone (each history value already carries its own frame sampling noise): the larger of the
 * normal-theory t(runs − 1) × √2 × SD and the 95th percentile of the history's own pairwise
 * differences — host-load bursts make night-to-night latency heavy-tailed (a cell's p50 goes from
 * 17 to 75 ms between two same-build nights on a loaded host), where a normal interval is too short.
 */
export function betweenRunHalfWidth(h: HistoryStats): number {
  const normal = studentTQuantile(0.975, h.runs - 1) * Math.SQRT2 * h.sd;
  const pairs: number[] = [];
  for (let i = 0; i < h.values.length; i++) for (let j = i + 1; j < h.values.length; j++) pairs.push(Math.abs(h.values[i]! - h.values[j]!));
  return Math.max(normal, quantile(pairs, PAIR_QUANTILE));
}

export type HistoryValues = Record<Metric, (rows: CompareMeasurement[]) => number[]>;
export type HistoryStatistics = Record<Metric, (xs: readonly number[]) => number>;

/**
 * One run's statistic per history cell (`metric|cell`: by serial, and by model and kind) — what the
 * run contributes as history to any later comparison, hence also what it stores (compare-summary.ts).
 */
export function historyCellValues(run: RunSide, values: HistoryValues, stat: HistoryStatistics): Map<string, number> {
  const dev = new Map(run.devices.map((d) => [d.serial, d]));
  const cells = new Map<string, CompareMeasurement[]>();
  const add = (k: string, m: CompareMeasurement) => { const l = cells.get(k); if (l) l.push(m); else cells.set(k, [m]); };
  for (const m of run.measurements) {
    const d = dev.get(m.serial);
    if (!d) continue;
    const kind = d.virtual ? 'virtual' : 'real';
    for (const lighting of [m.lighting, ALL_LIGHTING]) {
      add(JSON.stringify(['serial', m.serial, kind, lighting]), m);
      add(JSON.stringify(['model', modelLabel(d), kind, lighting]), m);
    }
  }
  const out = new Map<string, number>();
  for (const [k, rows] of cells) {
    for (const metric of ['latency', 'infer_cpu', 'iou'] as const) {
      const xs = values[metric](rows);
      if (xs.length >= MIN_HISTORY_FRAMES) out.set(`${metric}|${k}`, stat[metric](xs));
    }
  }
  return out;
}

/**
 * Per cell (by serial, else by model and kind) and metric, the SD of the statistic over the history
 * runs: each run's cell values from its stored summary when it has one, else from its frames.
 */
export function historyStats(history: readonly RunSide[], values: HistoryValues, stat: HistoryStatistics) {
  const per = new Map<string, number[]>(); // key → one value per history run
  for (const run of history) {
    for (const [key, v] of summaryOf(run)?.history ?? historyCellValues(run, values, stat)) {
      const l = per.get(key);
      if (l) l.push(v); else per.set(key, [v]);
    }
  }
  const summary = (xs: number[] | undefined): HistoryStats | undefined =>
    (xs && xs.length >= MIN_HISTORY_RUNS ? { runs: xs.length, sd: std(xs), values: xs } : undefined);
  return {
    /** The cell's history: the same serial when A's serial has one, else the same model and kind. */
    lookup(metric: Metric, c: CellIdentity): HistoryStats | undefined {
      if (c.virtual === null) return undefined;
      const kind = c.virtual ? 'virtual' : 'real';
      for (const s of c.serials) {
        const h = summary(per.get(`${metric}|${JSON.stringify(['serial', s, kind, c.lighting])}`));
        if (h) return h;
      }
      return c.model ? summary(per.get(`${metric}|${JSON.stringify(['model', c.model, kind, c.lighting])}`)) : undefined;
    },
  };
}
