/**
 * Latency non-inferiority per device: the upper bound of p90(candidate) / p90(baseline) — each block
 * pair's ratio of p90s, geometric mean over pairs, bounds by a bootstrap over pairs — must stay
 * under the policy's ratio (1.05 by default). Wilcoxon
 * signed-rank tests by block (log ratio of the pair's p90s) and by frame (same frame, both arms)
 * are reported beside it.
 */
import { quantileSorted } from '../stats/descriptive.ts';
import { seedFrom } from '../stats/bootstrap.ts';
import { pairedBootstrap } from '../stats/paired-bootstrap.ts';
import { wilcoxonSignedRank, type WilcoxonResult } from '../stats/wilcoxon.ts';
import type { BlockPair, Block } from './evidence.ts';
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
  wilcoxon_blocks?: WilcoxonFigures;
  wilcoxon_frames?: WilcoxonFigures;
  reason?: string;
}
export interface WilcoxonFigures { n: number; w_plus: number; p: number | null; method: string }

export const wilcoxonFigures = (w: WilcoxonResult): WilcoxonFigures => ({ n: w.n, w_plus: w.wPlus, p: figure(w.p), method: w.method });

const timings = (b: Block) => Float64Array.from(b.frames.flatMap((f) => (f.tTotal === null ? [] : [f.tTotal]))).sort();

/** Indices of the pairs of each ABBA unit, in unit order. */
export function byUnit(pairs: readonly BlockPair[]): number[][] {
  const units = new Map<number, number[]>();
  pairs.forEach((p, i) => units.set(p.unit, [...(units.get(p.unit) ?? []), i]));
  return [...units.keys()].sort((a, b) => a - b).map((u) => units.get(u)!);
}

/** The latency cell of one device from its valid block pairs. */
export function latencyCell(device: string, pairs: readonly BlockPair[], policy: SignoffPolicy): GateCell {
  const { quantile, max_ratio } = policy.gates.latency;
  const cand = pairs.map((p) => timings(p.candidate));
  const base = pairs.map((p) => timings(p.baseline));
  // Each pair's own ratio of p90s (pooling frames across blocks would let one load-spiked block own
  // the pooled top decile), averaged in log space within its ABBA unit — the unit's two pairs see
  // a linear drift with opposite signs, so their mean cancels it — and the units, the independent
  // replicates, are what the bootstrap resamples (resampling pairs: 28% A/A false FAILs on recorded noise).
  const blockRatios = pairs.map((_, i) => Math.log(quantileSorted(cand[i]!, quantile) / quantileSorted(base[i]!, quantile)));
  const unitRatios = byUnit(pairs).map((idx) => idx.reduce((s, i) => s + blockRatios[i]!, 0) / idx.length);
  const stat = (picked: readonly number[]) => {
    let s = 0;
    for (const i of picked) s += unitRatios[i]!;
    return Math.exp(s / picked.length);
  };
  const est = pairedBootstrap(unitRatios.length, stat, seedFrom(`${policy.statistics.seed}|latency|${device}`),
    { iterations: policy.statistics.bootstrap_iterations, confidence: policy.statistics.confidence });
  const frameDiffs = pairs.flatMap((p) => {
    const b = new Map(p.baseline.frames.map((f) => [f.key, f.tTotal]));
    return p.candidate.frames.flatMap((f) => {
      const other = b.get(f.key);
      return f.tTotal === null || other === null || other === undefined ? [] : [f.tTotal - other];
    });
  });
  return {
    gate: 'latency', device, lighting: null, estimate: figure(est.estimate), lo: figure(est.lo), hi: figure(est.hi),
    bound: 'upper', margin: max_ratio, verdict: judgeUpper(est.lo, est.hi, max_ratio), pairs: pairs.length, units: unitRatios.length,
    n_candidate: cand.reduce((n, s) => n + s.length, 0), n_baseline: base.reduce((n, s) => n + s.length, 0),
    wilcoxon_blocks: wilcoxonFigures(wilcoxonSignedRank(blockRatios.filter(Number.isFinite))),
    wilcoxon_frames: wilcoxonFigures(wilcoxonSignedRank(frameDiffs)),
    ...(unitRatios.length < 2 ? { reason: 'insufficient data: fewer than 2 ABBA units with a valid pair' } : {}),
  };
}
