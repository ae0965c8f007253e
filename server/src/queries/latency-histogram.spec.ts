import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyHistogram } from './latency-histogram.ts';

const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1); // value = its 1-based rank

test('the latency histogram counts every value once, the tail in the last bin', () => {
  const values = [...ranks(99), 10_000];
  const h = latencyHistogram(values, 10)!;
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 100);
  assert.equal(h.start, 1);
  assert.ok(h.counts.at(-1)! >= 1);
  assert.equal(latencyHistogram([]), null);
});
