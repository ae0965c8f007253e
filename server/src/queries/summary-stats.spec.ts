import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyHistogram, meanWithCi, quantileWithCi } from './summary-stats.ts';

const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1); // value = its 1-based rank

test('the median CI of 80 values spans order statistics 31 to 50, as distribution-free tables give', () => {
  const e = quantileWithCi(ranks(80), 0.5);
  assert.equal(e.value, 40.5);
  assert.equal(e.lo, 31);
  assert.equal(e.hi, 50);
});

test('a quantile CI stays inside the sample and brackets the estimate', () => {
  for (const [n, q] of [[5, 0.9], [20, 0.5], [1000, 0.9], [1, 0.5]] as const) {
    const e = quantileWithCi(ranks(n), q);
    assert.ok(e.lo! >= 1 && e.hi! <= n && e.lo! <= e.value! && e.value! <= e.hi!, `n=${n} q=${q}: ${JSON.stringify(e)}`);
  }
  assert.deepEqual(quantileWithCi([], 0.5), { value: null, lo: null, hi: null });
});

test('the mean CI is mean ± 1.96 standard errors', () => {
  const e = meanWithCi([1, 2, 3, 4, 5]);
  const se = Math.sqrt(2.5 / 5);
  assert.equal(e.value, 3);
  assert.ok(Math.abs(e.lo! - (3 - 1.959964 * se)) < 1e-9 && Math.abs(e.hi! - (3 + 1.959964 * se)) < 1e-9);
});

test('the latency histogram counts every value once, the tail in the last bin', () => {
  const values = [...ranks(99), 10_000];
  const h = latencyHistogram(values, 10)!;
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 100);
  assert.equal(h.start, 1);
  assert.ok(h.counts.at(-1)! >= 1);
});
