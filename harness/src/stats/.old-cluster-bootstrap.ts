/**
 * Bootstrap over clusters (scenario × repeat × block of consecutive frames) instead of single frames.
 * Frames of one block share the host's and the device's state (load, heat, caches): resampling them
 * one by one treats 20 correlated latencies as 20 independent ones and makes the CI far too narrow
 * (issue 20: 42% of same-build cells got a latency verdict). When both runs replayed the same
 * clusters, the draw is paired — the same cluster keys on both sides — which cancels the frames'
 * own difficulty, as sign-off's paired design does.
 */
import { seededRandom } from './bootstrap.ts';
import { quantileSorted } from './descriptive.ts';

export interface Cluster { key: string; values: readonly number[] }

/** A statistic of an ascending-sorted pooled sample. */
export type PooledStatistic = (sorted: Float64Array) => number;

export const CLUSTER_ITERATIONS = 1000;

function pooled(clusters: readonly Cluster[], picks: Uint32Array, buf: Float64Array): Float64Array {
  let k = 0;
  for (const i of picks) for (const v of clusters[i]!.values) buf[k++] = v;
  return buf.subarray(0, k).sort();
}

function maxPooled(clusters: readonly Cluster[]): number {
  const most = Math.max(0, ...clusters.map((c) => c.values.length));
  return most * clusters.length;
}

/** True when both sides hold exactly the same cluster keys (then the draw is paired). */
export function samePlan(a: readonly Cluster[], b: readonly Cluster[]): boolean {
  if (a.length !== b.length) return false;
  const ka = a.map((c) => c.key).sort(), kb = b.map((c) => c.key).sort();
  return ka.every((k, i) => k === kb[i]);
}

/**
 * 95% percentile CI of stat(B) − stat(A), clusters resampled with replacement: paired (one draw of
 * keys used on both sides) when the plans match, otherwise each side on its own. Seeded.
 */
export function clusterDiffCI(a: readonly Cluster[], b: readonly Cluster[], stat: PooledStatistic, seed: number,
  { iterations = CLUSTER_ITERATIONS, level = 0.95 } = {}): { lo: number; hi: number; paired: boolean } {
  const paired = samePlan(a, b);
  const sa = [...a].sort((x, y) => (x.key < y.key ? -1 : 1)), sb = [...b].sort((x, y) => (x.key < y.key ? -1 : 1));
  const rnd = seededRandom(seed);
  const pa = new Uint32Array(sa.length), pb = new Uint32Array(sb.length);
  const ba = new Float64Array(maxPooled(sa)), bb = new Float64Array(maxPooled(sb));
  const d = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    for (let j = 0; j < pa.length; j++) pa[j] = Math.floor(rnd() * pa.length);
    if (paired) pb.set(pa); else for (let j = 0; j < pb.length; j++) pb[j] = Math.floor(rnd() * pb.length);
    d[i] = stat(pooled(sb, pb, bb)) - stat(pooled(sa, pa, ba));
  }
  d.sort();
  return { lo: quantileSorted(d, (1 - level) / 2), hi: quantileSorted(d, 1 - (1 - level) / 2), paired };
}
