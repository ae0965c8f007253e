/**
 * Latency non-inferiority per device: the upper bound of the candidate's latency over the baseline's,
 * bounds by a bootstrap over ABBA units, must stay under the policy's ratio (1.05 by default).
 * On phones: p90(candidate) / p90(baseline) of the frame's wall time (t_total) — each block pair's
 * ratio of p90s, geometric mean within and over units. On vdevices: the floor (p05) of the inference
 * call's thread CPU time (t_infer_cpu), each arm's frames of the units pooled — the build's own cost,
 * which the VM's neighbours cannot raise (metrics/cpu-floor.ts). The cell says which and why.
 * Wilcoxon signed-rank tests by block (log ratio of the pair's statistic) and by frame (same frame,
 * both arms) are reported beside it.
 */
import { quantileSorted, std } from '../stats/descriptive.ts';
import { CPU_FLOOR_QUANTILE } from '../metrics/cpu-floor.ts';
import { seedFrom } from '../stats/bootstrap.ts';
import { pairedBootstrap } from '../stats/paired-bootstrap.ts';
import { wilcoxonSignedRank, type WilcoxonResult } from '../stats/wilcoxon.ts';
import type { BlockPair, Block, FrameOutcome } from './evidence.ts';
import type { SignoffPolicy } from './policy.ts';
import { figure, judgeUpper, type Verdict } from './verdict.ts';

export interface GateCell {
  gate: string;
  device: string;
  lighting: string | null;
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  /** which bound the margin applies to */
  bound: 'upper' | 'lower';
  margin: number;
  verdict: Verdict;
  pairs: number;
  /** ABBA units resampled (the bootstrap's independent replicates) */
  units?: number;
  n_candidate: number;
  n_baseline: number;
  /** latency only: the series judged (`t_total` wall time, or `t_infer_cpu` thread CPU time) and why */
  series?: LatencySeries;
  series_reason?: string;
  /** latency only: SD of the ABBA units' log p90 ratios — the between-unit spread the bounds come from */
  unit_log_sd?: number | null;
  wilcoxon_blocks?: WilcoxonFigures;
  wilcoxon_frames?: WilcoxonFigures;
  reason?: string;
}
export interface WilcoxonFigures { n: number; w_plus: number; p: number | null; method: string }

export const wilcoxonFigures = (w: WilcoxonResult): WilcoxonFigures => ({ n: w.n, w_plus: w.wPlus, p: figure(w.p), method: w.method });

/** A frame's wall time (what a user waits) or its inference's thread CPU time (what a loaded host cannot inflate). */
export type LatencySeries = 't_total' | 't_infer_cpu';
const SERIES_VALUE: Record<LatencySeries, (f: FrameOutcome) => number | null> = { t_total: (f) => f.tTotal, t_infer_cpu: (f) => f.tInferCpu };

/**
 * Which series a sign-off's latency is judged on. A phone: wall time, what its user waits. A vdevice
 * shares its host's cores with every other process, so its wall time measures the host's load (the
 * p90 of one 24-frame block ranged 33–434 ms in a recorded A/A); the thread CPU time of the inference
 * call does not include other processes' turns, so the model's cost is compared instead — when every
 * timed frame carries it (an app without a thread clock leaves it out; then wall time, said so).
 */
export function latencySeries(virtualOnly: boolean, pairs: readonly BlockPair[]): { series: LatencySeries; reason: string } {
  if (!virtualOnly) return { series: 't_total', reason: 'real devices: wall time per frame (t_total), what the user waits' };
  const timed = pairs.flatMap((p) => [p.candidate, p.baseline]).flatMap((b) => b.frames).filter((f) => f.tTotal !== null);
  const missing = timed.filter((f) => f.tInferCpu === null).length;
  if (timed.length > 0 && missing === 0) {
    return { series: 't_infer_cpu', reason: 'virtual devices: the floor (p05) of inference thread CPU time (t_infer_cpu), each arm\'s frames pooled — wall time on a shared host measures the host\'s load, and the VM\'s neighbours slow the same instructions for seconds at a time' };
  }
  return { series: 't_total', reason: `virtual devices, but ${missing} of ${timed.length} timed frames carry no t_infer_cpu (an app without a thread clock): wall time, which on a shared host also measures its load` };
}

const timings = (b: Block, series: LatencySeries) => Float64Array.from(b.frames.flatMap((f) => {
  const v = SERIES_VALUE[series](f);
  return v === null ? [] : [v];
})).sort();

/** Indices of the pairs of each ABBA unit, in unit order. */
export function byUnit(pairs: readonly BlockPair[]): number[][] {
  const units = new Map<number, number[]>();
  pairs.forEach((p, i) => units.set(p.unit, [...(units.get(p.unit) ?? []), i]));
  return [...units.keys()].sort((a, b) => a - b).map((u) => units.get(u)!);
}

/** The latency cell of one device from its valid block pairs, on the series `latencySeries` chose for the sign-off. */
export function latencyCell(device: string, pairs: readonly BlockPair[], policy: SignoffPolicy, choice: { series: LatencySeries; reason: string }): GateCell {
  const { quantile, max_ratio } = policy.gates.latency;
  const { series } = choice;
  const value = SERIES_VALUE[series];
  const cand = pairs.map((p) => timings(p.candidate, series));
  const base = pairs.map((p) => timings(p.baseline, series));
  // Each pair's own ratio of p90s (pooling frames across blocks would let one load-spiked block own
  // the pooled top decile), averaged in log space within its ABBA unit — the unit's two pairs see
  // a linear drift with opposite signs, so their mean cancels it — and the units, the independent
  // replicates, are what the bootstrap resamples (resampling pairs: 28% A/A false FAILs on recorded noise).
  // On a vdevice the floor of CPU time instead, over each arm's frames of the resampled units pooled:
  // a block the neighbours slowed whole adds no frame to the pooled low tail (a pair's own floors gave
  // a between-unit SD of log ratios of 0.11 on a quiet host; the pooled floor's interval over 10 units is ±1%).
  const q = series === 't_infer_cpu' ? CPU_FLOOR_QUANTILE : quantile;
  const blockRatios = pairs.map((_, i) => Math.log(quantileSorted(cand[i]!, q) / quantileSorted(base[i]!, q)));
  const units = byUnit(pairs);
  const unitRatios = series === 't_infer_cpu'
    ? units.map((idx) => Math.log(pooledFloorRatio(idx.map((i) => cand[i]!), idx.map((i) => base[i]!))))
    : units.map((idx) => idx.reduce((s, i) => s + blockRatios[i]!, 0) / idx.length);
  const stat = series === 't_infer_cpu'
    ? (picked: readonly number[]) => pooledFloorRatio(picked.flatMap((u) => units[u]!.map((i) => cand[i]!)), picked.flatMap((u) => units[u]!.map((i) => base[i]!)))
    : (picked: readonly number[]) => {
      let s = 0;
      for (const i of picked) s += unitRatios[i]!;
      return Math.exp(s / picked.length);
    };
  const est = pairedBootstrap(unitRatios.length, stat, seedFrom(`${policy.statistics.seed}|latency|${device}`),
    { iterations: policy.statistics.bootstrap_iterations, confidence: policy.statistics.confidence });
  const frameDiffs = pairs.flatMap((p) => {
    const b = new Map(p.baseline.frames.map((f) => [f.key, value(f)]));
    return p.candidate.frames.flatMap((f) => {
      const mine = value(f), other = b.get(f.key);
      return mine === null || other === null || other === undefined ? [] : [mine - other];
    });
  });
  return {
    gate: 'latency', device, lighting: null, estimate: figure(est.estimate), lo: figure(est.lo), hi: figure(est.hi),
    bound: 'upper', margin: max_ratio, verdict: judgeUpper(est.lo, est.hi, max_ratio, 1), pairs: pairs.length, units: unitRatios.length,
    series, series_reason: choice.reason, unit_log_sd: unitRatios.length >= 2 ? figure(std(unitRatios)) : null,
    n_candidate: cand.reduce((n, s) => n + s.length, 0), n_baseline: base.reduce((n, s) => n + s.length, 0),
    wilcoxon_blocks: wilcoxonFigures(wilcoxonSignedRank(blockRatios.filter(Number.isFinite))),
    wilcoxon_frames: wilcoxonFigures(wilcoxonSignedRank(frameDiffs)),
    ...(unitRatios.length < 2 ? { reason: 'insufficient data: fewer than 2 ABBA units with a valid pair' } : {}),
  };
}

/** The floor of the candidate's pooled frames over the baseline's (each block's timings already sorted). */
function pooledFloorRatio(cand: readonly Float64Array[], base: readonly Float64Array[]): number {
  const pool = (xs: readonly Float64Array[]) => {
    const out = new Float64Array(xs.reduce((n, x) => n + x.length, 0));
    let k = 0;
    for (const x of xs) { out.set(x, k); k += x.length; }
    return out.sort();
  };
  return quantileSorted(pool(cand), CPU_FLOOR_QUANTILE) / quantileSorted(pool(base), CPU_FLOOR_QUANTILE);
}
