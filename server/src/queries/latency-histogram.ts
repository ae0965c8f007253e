/** The run page's latency distribution: a fixed-bin histogram of a device's counted latencies. */

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
