/**
 * Bootstrap over clusters (scenario × repeat × block of consecutive frames) instead of single frames.
 * Frames of one block share the host's and the device's state (load, heat, caches): resampling them
 * one by one treats 20 correlated latencies as 20 independent ones and makes the CI far too narrow
 * (issue 20: 42% of same-build cells got a latency verdict). When both runs replayed the same
 * clusters, the draw is paired — the same cluster keys on both sides — which cancels the frames'
 * own difficulty, as sign-off's paired design does.
 */
import { percentileCI, SeededRandom, sortedMean, sortedQuantile, type SortedStatistic } from './bootstrap.ts';

export interface Cluster { key: string; values: ArrayLike<number> & Iterable<number> }

/**
 * A statistic of an ascending-sorted pooled sample. One tagged with `quantile` (type 7) or `mean` is
 * read straight off the weighted walk below without writing the pooled array: the same additions in
 * the same order, so the same digits (a run's compare summary computes ~150 of these bootstraps).
 */
export type PooledStatistic = SortedStatistic;

/** The median of a pooled resample (quantileSorted at 0.5). */
export const pooledMedian: PooledStatistic = sortedQuantile(0.5);
/** The mean of a pooled resample (descriptive.ts' mean: summed in ascending order). */
export const pooledMean: PooledStatistic = sortedMean;

export const CLUSTER_ITERATIONS = 1000;

type PooledReader = (counts: Uint32Array, buf: Float64Array, stat: PooledStatistic) => number;

/**
 * A side's values once sorted, each with its cluster: a resample's pooled sorted sample is then a
 * walk that takes every value as many times as its cluster was drawn — the very array sorting the
 * pooled draws gives (values ascending, -0 before +0, NaN last, as Float64Array#sort orders them),
 * without a sort per iteration (compare of two 20,000-frame runs: seconds of sorting otherwise).
 */
function pooledSorter(clusters: readonly Cluster[]): PooledReader {
  const values: number[] = [], owner: number[] = [];
  clusters.forEach((c, i) => { for (const v of c.values) { values.push(v); owner.push(i); } });
  const order = Uint32Array.from(values.keys()).sort((i, j) => typedArrayOrder(values[i]!, values[j]!) || i - j);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  const cluster = Uint32Array.from(order, (i) => owner[i]!);
  const sizes = Uint32Array.from(clusters, (c) => c.values.length);
  const pooledSize = (counts: Uint32Array) => { let k = 0; for (let c = 0; c < counts.length; c++) k += counts[c]! * sizes[c]!; return k; };
  return (counts, buf, stat) => {
    if (stat.quantile !== undefined) {
      const k = pooledSize(counts);
      if (k === 0) return NaN;
      const h = (k - 1) * stat.quantile, lo = Math.floor(h), hi = Math.ceil(h);
      let r = 0, upTo = counts[cluster[0]!]!; // values before r's end in the pooled sample
      while (upTo <= lo) upTo += counts[cluster[++r]!]!;
      const xLo = sorted[r]!;
      while (upTo <= hi) upTo += counts[cluster[++r]!]!;
      return xLo + (h - lo) * (sorted[r]! - xLo);
    }
    if (stat.mean) {
      let s = 0;
      for (let r = 0; r < sorted.length; r++) { const v = sorted[r]!; for (let c = counts[cluster[r]!]!; c > 0; c--) s += v; }
      const k = pooledSize(counts);
      return k === 0 ? NaN : s / k;
    }
    let k = 0;
    for (let r = 0; r < sorted.length; r++) for (let c = counts[cluster[r]!]!; c > 0; c--) buf[k++] = sorted[r]!;
    return stat(buf.subarray(0, k));
  };
}

/** Float64Array#sort's order: numeric, -0 before +0, NaN last. */
function typedArrayOrder(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return (Object.is(x, -0) ? 0 : 1) - (Object.is(y, -0) ? 0 : 1);
  return (Number.isNaN(x) ? 1 : 0) - (Number.isNaN(y) ? 1 : 0);
}

function maxPooled(clusters: readonly Cluster[]): number {
  const most = Math.max(0, ...clusters.map((c) => c.values.length));
  return most * clusters.length;
}

/** True when both sides hold exactly the same cluster keys (then the draw is paired). */
export function samePlan(a: readonly Cluster[], b: readonly Cluster[]): boolean {
  if (a.length !== b.length) return false;
  // Distinct keys on a side (as blocks() makes them): the same set is the same sorted list, and a
  // set needs no string sort (compare checks every cell of two runs, each of hundreds of blocks).
  const ka = new Set(a.map((c) => c.key));
  if (ka.size === a.length) return b.every((c) => ka.has(c.key)) && new Set(b.map((c) => c.key)).size === b.length;
  const sa = [...a.map((c) => c.key)].sort(), sb = b.map((c) => c.key).sort();
  return sa.every((k, i) => k === sb[i]);
}

const byKey = (clusters: readonly Cluster[]) => [...clusters].sort((x, y) => (x.key < y.key ? -1 : 1));

/**
 * One side's statistic on each paired resample: a paired draw picks clusters by position in key
 * order from the seed alone, so a side's resamples depend on its own clusters and the seed only —
 * they can be computed once per run and stored (harness/src/compare/compare-summary.ts), and the
 * CI of any pair with the same plan follows from the two stored vectors exactly.
 */
export function pairedResamples(clusters: readonly Cluster[], stat: PooledStatistic, seed: number, iterations = CLUSTER_ITERATIONS): Float64Array {
  const sorted = byKey(clusters);
  const rnd = new SeededRandom(seed);
  const counts = new Uint32Array(sorted.length); // how often each cluster was drawn
  const buf = new Float64Array(maxPooled(sorted));
  const pooled = pooledSorter(sorted);
  const out = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    counts.fill(0);
    for (let j = 0; j < counts.length; j++) counts[rnd.below(counts.length)]!++;
    out[i] = pooled(counts, buf, stat);
  }
  return out;
}

/** Resamples already computed for a side (pairedResamples with this seed, on exactly these clusters). */
export interface StoredResamples { a?: Float64Array; b?: Float64Array }

/**
 * 95% percentile CI of stat(B) − stat(A), clusters resampled with replacement: paired (one draw of
 * keys used on both sides) when the plans match, otherwise each side on its own. Seeded.
 */
export function clusterDiffCI(a: readonly Cluster[], b: readonly Cluster[], stat: PooledStatistic, seed: number,
  { iterations = CLUSTER_ITERATIONS, level = 0.95, stored = {} as StoredResamples } = {}): { lo: number; hi: number; paired: boolean } {
  const paired = samePlan(a, b);
  const d = new Float64Array(iterations);
  if (paired) {
    const ra = stored.a?.length === iterations ? stored.a : pairedResamples(a, stat, seed, iterations);
    const rb = stored.b?.length === iterations ? stored.b : pairedResamples(b, stat, seed, iterations);
    for (let i = 0; i < iterations; i++) d[i] = rb[i]! - ra[i]!;
  } else {
    const sa = byKey(a), sb = byKey(b);
    const rnd = new SeededRandom(seed);
    const ca = new Uint32Array(sa.length), cb = new Uint32Array(sb.length);
    const ba = new Float64Array(maxPooled(sa)), bb = new Float64Array(maxPooled(sb));
    const pooledA = pooledSorter(sa), pooledB = pooledSorter(sb);
    for (let i = 0; i < iterations; i++) {
      ca.fill(0); cb.fill(0);
      for (let j = 0; j < ca.length; j++) ca[rnd.below(ca.length)]!++;
      for (let j = 0; j < cb.length; j++) cb[rnd.below(cb.length)]!++;
      d[i] = pooledB(cb, bb, stat) - pooledA(ca, ba, stat);
    }
  }
  const [lo, hi] = percentileCI(d, level);
  return { lo, hi, paired };
}
