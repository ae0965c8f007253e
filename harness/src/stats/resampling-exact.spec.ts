/**
 * The fast cluster bootstrap (counting draws over once-sorted values), the run figures' bootstraps
 * (statistics read off counted draws, the mean summed as drawn) and the merged Mann–Whitney
 * give the very digits of their textbook forms — pool the drawn clusters and sort; sort the pooled
 * sample of both sides — on samples full of ties, zeros, both plans (paired and not) and both statistics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDiffCI, pairedResamples, pooledMean, pooledMedian, samePlan, type Cluster, type PooledStatistic } from './cluster-bootstrap.ts';
import { bootstrapCI, bootstrapCIs, bootstrapMeanCI, seededRandom, sortedMean, sortedQuantile } from './bootstrap.ts';
import { mannWhitney, normalCdf } from './mann-whitney.ts';
import { mean, quantileSorted, quantilesOf } from './descriptive.ts';

const median: PooledStatistic = (s) => quantileSorted(s, 0.5);

/** The definition: draw cluster keys, concatenate their values, sort, take the statistic. */
function textbookClusterCI(a: readonly Cluster[], b: readonly Cluster[], stat: PooledStatistic, seed: number): [number, number] {
  const paired = samePlan(a, b);
  const sa = [...a].sort((x, y) => (x.key < y.key ? -1 : 1)), sb = [...b].sort((x, y) => (x.key < y.key ? -1 : 1));
  const rnd = seededRandom(seed);
  const pool = (cs: readonly Cluster[], picks: number[]) => Float64Array.from(picks.flatMap((i) => [...cs[i]!.values])).sort();
  const d = new Float64Array(1000);
  for (let i = 0; i < d.length; i++) {
    const pa = sa.map(() => Math.floor(rnd() * sa.length));
    const pb = paired ? pa : sb.map(() => Math.floor(rnd() * sb.length));
    d[i] = stat(pool(sb, pb)) - stat(pool(sa, pa));
  }
  d.sort();
  return [quantileSorted(d, (1 - 0.95) / 2), quantileSorted(d, 1 - (1 - 0.95) / 2)]; // the level as the code writes it: (1 - 0.95) / 2 is not 0.025
}

/** The definition: rank the pooled sample, average ranks over ties, normal approximation. */
function textbookMannWhitney(a: readonly number[], b: readonly number[]) {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const n = all.length, n1 = a.length, n2 = b.length;
  let rankSumA = 0, tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2, t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if (all[k]!.g === 0) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2, mu = (n1 * n2) / 2;
  const sigma = Math.sqrt((n1 * n2 / 12) * ((n + 1) - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u, z: 0, p: 1 };
  const z = (Math.abs(u - mu) - 0.5) / sigma;
  return { u, z: Math.sign(u - mu) * Math.max(0, z), p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))) };
}

const rnd = seededRandom(20261207);
const value = () => (rnd() < 0.1 ? 0 : rnd() < 0.1 ? 5 : Math.round(rnd() * 1000) / (rnd() < 0.5 ? 7 : 1));
const clusters = (n: number, from: number): Cluster[] =>
  Array.from({ length: n }, (_, i) => ({ key: `s/0/${i + from}`, values: Array.from({ length: 1 + Math.floor(rnd() * 12) }, value) }));

test('the cluster bootstrap CI is the pooled-and-sorted one, paired and unpaired, median and mean, read off the walk or the array', () => {
  let paired = 0;
  for (let t = 0; t < 16; t++) {
    const n = 4 + Math.floor(rnd() * 25);
    const a = clusters(n, 0), b = t % 2 ? clusters(n, 0) : clusters(n + 1 + Math.floor(rnd() * 3), t % 3);
    for (const stat of [median, mean as PooledStatistic, pooledMedian, pooledMean]) {
      const fast = clusterDiffCI(a, b, stat, t * 7919);
      assert.deepEqual([fast.lo, fast.hi], textbookClusterCI(a, b, stat, t * 7919), `case ${t}`);
      if (fast.paired) paired++;
    }
  }
  assert.ok(paired > 0 && paired < 64, `${paired} of 64 cases paired`);
});

test('stored paired resamples give the same CI as computing them', () => {
  const a = clusters(30, 0), b = clusters(30, 0);
  const computed = clusterDiffCI(a, b, median, 42);
  const stored = clusterDiffCI(a, b, median, 42, { stored: { a: pairedResamples(a, pooledMedian, 42), b: pairedResamples(b, pooledMedian, 42) } });
  assert.deepEqual(stored, computed);
  assert.ok(computed.paired && computed.lo < computed.hi);
});

test('the merged Mann–Whitney is the ranked one, ties and empty sides included', () => {
  for (let t = 0; t < 300; t++) {
    const a = Array.from({ length: Math.floor(rnd() * 40) }, value), b = Array.from({ length: Math.floor(rnd() * 40) }, () => value() + (t % 4));
    if (a.length === 0 || b.length === 0) { assert.ok(Number.isNaN(mannWhitney(a, b).p)); continue; }
    assert.deepEqual(mannWhitney(a, b), textbookMannWhitney(a, b), `case ${t}`);
  }
});

/** The definition: draw n values, sort the resample, take each statistic; percentiles of each. */
function textbookCIs(xs: readonly number[], stats: Record<string, (sorted: Float64Array) => number>, seed: number) {
  const rnd = seededRandom(seed);
  const names = Object.keys(stats);
  const values = names.map(() => new Float64Array(1000));
  for (let i = 0; i < 1000; i++) {
    const resample = Float64Array.from(xs, () => xs[Math.floor(rnd() * xs.length)]!).sort();
    names.forEach((k, s) => { values[s]![i] = stats[k]!(resample); });
  }
  return Object.fromEntries(names.map((k, s) => {
    const v = values[s]!.sort();
    return [k, [quantileSorted(v, (1 - 0.95) / 2), quantileSorted(v, 1 - (1 - 0.95) / 2)]];
  }));
}

test("a run's figures' CIs read off counted draws (quantiles at their positions, the mean summed in order) are the sorted resample's", () => {
  for (let t = 0; t < 40; t++) {
    const xs = Array.from({ length: 2 + Math.floor(rnd() * 300) }, value).sort((x, y) => x - y);
    const tagged = { p50: sortedQuantile(0.5), p90: sortedQuantile(0.9), p99: sortedQuantile(0.99), mean: sortedMean };
    const plain = { p50: (s: Float64Array) => quantileSorted(s, 0.5), p90: (s: Float64Array) => quantileSorted(s, 0.9),
      p99: (s: Float64Array) => quantileSorted(s, 0.99), mean: (s: Float64Array) => mean(s) };
    const fast = bootstrapCIs(xs, tagged, t * 31);
    assert.deepEqual(fast, bootstrapCIs(xs, plain, t * 31), `case ${t}: tagged and written resamples`);
    assert.deepEqual(fast, textbookCIs(xs, plain, t * 31), `case ${t}: the definition`);
    assert.deepEqual(bootstrapCIs(xs, { p50: tagged.p50 }, t * 31), { p50: fast.p50 }, `case ${t}: a quantile alone stops its walk early`);
  }
});

test('the mean CI summed as drawn is the written resample\'s', () => {
  for (let t = 0; t < 40; t++) {
    const xs = Array.from({ length: 2 + Math.floor(rnd() * 300) }, () => (rnd() < 0.2 ? 0 : rnd()));
    assert.deepEqual(bootstrapMeanCI(xs, t), bootstrapCI(xs, mean, t), `case ${t}`);
  }
  assert.deepEqual(bootstrapMeanCI([1], 3), [NaN, NaN]);
});

test('percentiles selected are the sorted ones: ties, zeros, -0 and NaN, one value, both sorts', () => {
  const zeros = [0, -0, 0];
  for (let t = 0; t < 300; t++) {
    const n = 1 + Math.floor(rnd() * (t % 3 ? 40 : 1500));
    const xs = Float64Array.from({ length: n }, () => (t % 7 === 0 && rnd() < 0.05 ? NaN : t % 5 === 0 && rnd() < 0.2 ? zeros[Math.floor(rnd() * 3)]! : value()));
    const qs = [(1 - 0.95) / 2, 1 - (1 - 0.95) / 2, 0.5, 0, 1];
    const sorted = Float64Array.from(xs).sort();
    assert.deepEqual(quantilesOf(xs, qs), qs.map((q) => quantileSorted(sorted, q)), `case ${t}`);
    const plain = Array.from(xs).sort((a, b) => a - b);
    assert.deepEqual(quantilesOf(xs, qs, (v) => Array.from(v).sort((a, b) => a - b)), qs.map((q) => quantileSorted(plain, q)), `case ${t}, compared by a - b`);
  }
});
