/**
 * The small statistics the dashboard pre-aggregates need. Distribution-free and closed-form on
 * purpose: they run on every ingest (20,000 frames a run), where a bootstrap would cost seconds.
 */
import { mean, quantileSorted, std } from '../../../harness/src/stats/descriptive.ts';

const Z95 = 1.959964;

export interface Estimate { value: number | null; lo: number | null; hi: number | null }

/**
 * Quantile q of ascending-sorted values (the harness's estimator) with a 95% CI from order
 * statistics: the binomial(n, q) normal approximation picks the ranks that bracket the true quantile.
 */
export function quantileWithCi(sorted: readonly number[], q: number): Estimate {
  const n = sorted.length;
  if (n === 0) return { value: null, lo: null, hi: null };
  const at = (rank: number) => sorted[Math.min(n - 1, Math.max(0, rank))]!;
  const half = Z95 * Math.sqrt(n * q * (1 - q));
  // 1-based ranks j = ⌊nq − h⌋ and k = ⌈nq + h⌉ + 1 (the usual conservative pair: n = 80, q = ½ → 31 and 50).
  return { value: quantileSorted(sorted, q), lo: at(Math.floor(n * q - half) - 1), hi: at(Math.ceil(n * q + half)) };
}

/** Mean with a normal-approximation 95% CI (the IoU sample is hundreds of frames). */
export function meanWithCi(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { value: null, lo: null, hi: null };
  const m = mean(values);
  if (n === 1) return { value: m, lo: m, hi: m };
  const half = Z95 * std(values) / Math.sqrt(n);
  return { value: m, lo: m - half, hi: m + half };
}

export interface Histogram { start: number; width: number; counts: number[] }

/** Fixed 24 bins from the minimum to the 99th percentile (the last bin takes the tail). */
export function latencyHistogram(sorted: readonly number[], bins = 24): Histogram | null {
  if (sorted.length === 0) return null;
  const start = sorted[0]!;
  const top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  const width = Math.max((top - start) / bins, 1e-3);
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v - start) / width))]!++;
  return { start, width, counts };
}
