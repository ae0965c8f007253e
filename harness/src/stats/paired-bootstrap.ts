/**
 * Bootstrap of a paired comparison by resampling whole block pairs (a candidate block and the
 * baseline block beside it on the same frames): frames of one block share the device's state,
 * so resampling frames would make intervals too narrow (notes/measurement.md). Seeded and
 * recorded, so the same pairs always give the same bounds.
 */
import { SeededRandom } from './bootstrap.ts';
import { quantileSorted } from './descriptive.ts';
import { studentTQuantile } from './student-t.ts';
import { normalCdf } from './mann-whitney.ts';

export interface PairedEstimate {
  /** the statistic on all pairs */
  estimate: number;
  /** one-sided lower and upper bounds at `confidence` (each side excludes 1 − confidence) */
  lo: number;
  hi: number;
  /** pairs resampled */
  n: number;
}

/**
 * The percentile level a bootstrap over `n` replicates reads its bound at: Hesterberg's expanded
 * percentile interval — Φ(√(n/(n−1)) · t(confidence, n−1)) — which widens the plain percentile
 * interval to a t interval's small-sample width. Over 3–8 ABBA units the plain one is too narrow
 * (it ignores that the spread itself is estimated from a handful of units): a preview on 3 recorded
 * units per vdevice gave 2/40 A/A false FAILs before the expansion (bench:signoff measures the rate).
 */
export function expandedLevel(confidence: number, n: number): number {
  if (n < 2) return confidence;
  return Math.max(confidence, normalCdf(Math.sqrt(n / (n - 1)) * studentTQuantile(confidence, n - 1)));
}

/** stat sees a resample: the indices of the pairs drawn (with repetition). */
export type PairedStatistic = (picked: readonly number[]) => number;

/**
 * Bounds of stat over resamples of `n` pairs (expanded percentile, `expandedLevel`). NaN bounds below two pairs — too few to say
 * anything, which the gates report as INCONCLUSIVE. Resamples where stat is NaN (e.g. a lighting
 * that none of the drawn pairs holds) are dropped; if more than half are, the bounds are NaN.
 */
export function pairedBootstrap(n: number, stat: PairedStatistic, seed: number,
  { iterations, confidence }: { iterations: number; confidence: number }): PairedEstimate {
  const all = Array.from({ length: n }, (_, i) => i);
  const estimate = stat(all);
  if (n < 2) return { estimate, lo: NaN, hi: NaN, n };
  const rnd = new SeededRandom(seed);
  const picked = new Array<number>(n);
  const values: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < n; j++) picked[j] = rnd.below(n);
    const v = stat(picked);
    if (Number.isFinite(v)) values.push(v);
  }
  if (values.length < iterations / 2) return { estimate, lo: NaN, hi: NaN, n };
  const sorted = Float64Array.from(values).sort();
  const level = expandedLevel(confidence, n);
  return { estimate, lo: quantileSorted(sorted, 1 - level), hi: quantileSorted(sorted, level), n };
}
