import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, std, quantile, quantileSorted } from './descriptive.ts';
import { bootstrapCI, bootstrapDiffCI, seededRandom } from './bootstrap.ts';
import { mannWhitney, normalCdf } from './mann-whitney.ts';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('quantiles interpolate linearly like numpy', () => {
  const xs = [1, 2, 3, 4, 10];
  close(quantile(xs, 0.5), 3);
  close(quantile(xs, 0.9), 7.6); // numpy.percentile([1,2,3,4,10], 90)
  close(quantile([5], 0.99), 5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('mean and sample standard deviation', () => {
  close(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5);
  close(std([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  assert.ok(Number.isNaN(std([1])));
});

test('bootstrap CI of the mean brackets the mean, narrows with n, and is reproducible', () => {
  const rnd = seededRandom(7);
  const small = Array.from({ length: 20 }, () => 10 + rnd() * 4);
  const large = Array.from({ length: 2000 }, () => 10 + rnd() * 4);
  const [lo, hi] = bootstrapCI(small, mean, 1);
  assert.ok(lo < mean(small) && mean(small) < hi);
  const [lo2, hi2] = bootstrapCI(large, mean, 1);
  assert.ok(hi2 - lo2 < (hi - lo) / 4, 'CI shrinks roughly with sqrt(n)');
  assert.deepEqual(bootstrapCI(small, mean, 1), [lo, hi]);
  // uniform(10,14): std = 4/sqrt(12); 95% CI half-width for n=2000 ≈ 1.96·1.155/44.7 ≈ 0.05
  close(hi2 - lo2, 0.101, 0.03);
});

test('bootstrap CI of a difference excludes 0 only for a real shift', () => {
  const rnd = seededRandom(3);
  const a = Array.from({ length: 200 }, () => 20 + rnd());
  const same = Array.from({ length: 200 }, () => 20 + rnd());
  const slower = Array.from({ length: 200 }, () => 22 + rnd());
  const [l1, h1] = bootstrapDiffCI(a, same, mean, 5);
  assert.ok(l1 < 0 && h1 > 0);
  const [l2] = bootstrapDiffCI(a, slower, mean, 5);
  assert.ok(l2 > 1.8);
});

test('Mann-Whitney U matches a hand-computed case and detects shifts', () => {
  // a=[1,2,3], b=[4,5,6]: U_a = 0, mu = 4.5, sigma = sqrt(9*7/12) = 2.2913; z = (4.5-0.5)/2.2913 = 1.7457
  const r = mannWhitney([1, 2, 3], [4, 5, 6]);
  assert.equal(r.u, 0);
  close(r.p, 2 * (1 - normalCdf(4 / Math.sqrt(63 / 12))), 1e-12);
  close(normalCdf(1.959964), 0.975, 1e-6);
  assert.equal(mannWhitney([1, 1, 1], [1, 1, 1]).p, 1);
  const rnd = seededRandom(9);
  const a = Array.from({ length: 100 }, () => rnd());
  assert.ok(mannWhitney(a, a.map((x) => x + 0.5)).p < 1e-6);
  assert.ok(mannWhitney(a, Array.from({ length: 100 }, () => rnd())).p > 0.01);
});

test('several statistics bootstrapped together bracket their estimates and are reproducible', async () => {
  const { bootstrapCIs } = await import('./bootstrap.ts');
  const { quantileSorted } = await import('./descriptive.ts');
  const rnd = seededRandom(11);
  const xs = Array.from({ length: 300 }, () => 10 + rnd() * 10);
  const stats = { p50: (s: Float64Array) => quantileSorted(s, 0.5), p90: (s: Float64Array) => quantileSorted(s, 0.9), mean: (s: Float64Array) => mean(s) };
  const cis = bootstrapCIs(xs, stats, 3);
  for (const [k, est] of [['p50', quantile(xs, 0.5)], ['p90', quantile(xs, 0.9)], ['mean', mean(xs)]] as const) {
    const [lo, hi] = cis[k];
    assert.ok(lo < est && est < hi, `${k}: ${lo} < ${est} < ${hi}`);
    assert.ok(hi - lo < 2, `${k} CI is tight for n=300`);
  }
  assert.deepEqual(bootstrapCIs(xs, stats, 3), cis);
  assert.ok(Number.isNaN(bootstrapCIs([1], stats, 3).p50[0]));
});

test('the difference bootstrap sorts by counting yet gives exactly the medians of resampling in place', () => {
  const rnd = seededRandom(21);
  const a = Array.from({ length: 301 }, () => Math.round(20 + rnd() * 10)), b = Array.from({ length: 250 }, () => 21 + rnd() * 10); // ties in a
  // The textbook loop: draw b's resample, then a's, from one generator; median of each; percentile CI.
  const r = seededRandom(99);
  const draw = (xs: number[]) => xs.map(() => xs[Math.floor(r() * xs.length)]!);
  const d = Array.from({ length: 1000 }, () => { const rb = draw(b); return quantile(rb, 0.5) - quantile(draw(a), 0.5); }).sort((x, y) => x - y);
  assert.deepEqual(bootstrapDiffCI(a, b, (s) => quantileSorted(s, 0.5), 99), [quantileSorted(d, 0.025), quantileSorted(d, 0.975)]);
});
