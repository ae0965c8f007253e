/**
 * The one CI method for a run's own figures: a percentile bootstrap (95%, 1000 resamples) seeded by
 * the sample itself. The report, run.json's aggregates and the dashboard pre-aggregates all call
 * these, so the same frames print the same interval everywhere — also in two cells that hold the same
 * frames (a device with one lighting: its lighting row and its "all" row).
 */
import { bootstrapCIs, bootstrapMeanCI, seedOfSample, sortedMean, sortedQuantile } from './bootstrap.ts';
import { mean, quantileSorted } from './descriptive.ts';

/** A figure and its 95% CI; null where the sample cannot give one (empty; a CI needs two values). */
export interface Estimate { value: number | null; lo: number | null; hi: number | null }

const orNull = (v: number) => (Number.isFinite(v) ? v : null);
const estimate = (value: number, [lo, hi]: [number, number]): Estimate => ({ value: orNull(value), lo: orNull(lo), hi: orNull(hi) });

/** p05: the floor of a sample — a vdevice's inference CPU time judged where neighbours' interference, which only adds, reaches least. */
export interface LatencyEstimates { p05: Estimate; p50: Estimate; p90: Estimate; p99: Estimate; mean: Estimate }

/** p05/p50/p90/p99/mean of ascending latencies, their CIs from one set of resamples (one more statistic moves no other's CI). */
export function latencyEstimates(sorted: readonly number[]): LatencyEstimates {
  const cis = bootstrapCIs(sorted, { p05: sortedQuantile(0.05), p50: sortedQuantile(0.5), p90: sortedQuantile(0.9), p99: sortedQuantile(0.99), mean: sortedMean }, seedOfSample(sorted, 'latency'));
  return {
    p05: estimate(quantileSorted(sorted, 0.05), cis.p05), p50: estimate(quantileSorted(sorted, 0.5), cis.p50), p90: estimate(quantileSorted(sorted, 0.9), cis.p90),
    p99: estimate(quantileSorted(sorted, 0.99), cis.p99), mean: estimate(mean(sorted), cis.mean),
  };
}

/** Mean of ascending values (IoUs) with its CI. */
export function meanEstimate(sorted: readonly number[]): Estimate {
  return estimate(mean(sorted), bootstrapMeanCI(sorted, seedOfSample(sorted, 'mean')));
}
