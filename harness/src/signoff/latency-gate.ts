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
  n_candidate: number;
  n_baseline: number;
  wilcoxon_blocks?: WilcoxonFigures;
  wilcoxon_frames?: WilcoxonFigures;
  reason?: string;
}
export interface WilcoxonFigures { n: number; w_plus: number; p: number | null; method: string }

export const wilcoxonFigures = (w: WilcoxonResult): WilcoxonFigures => ({ n: w.n, w_plus: w.wPlus, p: figure(w.p), method: w.method });

const timings = (b: Block) => Float64Array.from(b.frames.flatMap((f) => (f.tTotal === null ? [] : [f.tTotal]))).sort();

/** The latency cell of one device from its valid block pairs. */
export function latencyCell(device: string, pairs: readonly BlockPair[], policy: SignoffPolicy): GateCell {
  const { quantile, max_ratio } = policy.gates.latency;
  const cand = pairs.map((p) => timings(p.candidate));
  const base = pairs.map((p) => timings(p.baseline));
  // Each pair's own ratio, combined as a geometric mean: pooling frames across blocks would let one
  // block slowed by a load spike own the pooled top decile (A/A on recorded vdevice noise: 22% false
  // FAILs pooled), while a pair's ratio compares blocks that ran seconds apart on the same frames.
  const blockRatios = pairs.map((_, i) => Math.log(quantileSorted(cand[i]!, quantile) / quantileSorted(base[i]!, quantile)));
  const stat = (picked: readonly number[]) => {
    let s = 0;
    for (const i of picked) s += blockRatios[i]!;
    return Math.exp(s / picked.length);
  };
  const est = pairedBootstrap(pairs.length, stat, seedFrom(`${policy.statistics.seed}|latency|${device}`),
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
    bound: 'upper', margin: max_ratio, verdict: judgeUpper(est.lo, est.hi, max_ratio), pairs: pairs.length,
    n_candidate: cand.reduce((n, s) => n + s.length, 0), n_baseline: base.reduce((n, s) => n + s.length, 0),
    wilcoxon_blocks: wilcoxonFigures(wilcoxonSignedRank(blockRatios.filter(Number.isFinite))),
    wilcoxon_frames: wilcoxonFigures(wilcoxonSignedRank(frameDiffs)),
    ...(pairs.length < 2 ? { reason: 'insufficient data: fewer than 2 valid block pairs' } : {}),
  };
}
