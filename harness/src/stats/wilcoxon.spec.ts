import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilcoxonSignedRank } from './wilcoxon.ts';
import { pairedBootstrap } from './paired-bootstrap.ts';

const close = (a: number, b: number, eps: number) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('exact Wilcoxon p for all-positive differences is 2/2^n (R: wilcox.test(1:5) → 0.0625)', () => {
  const r = wilcoxonSignedRank([1, 2, 3, 4, 5]);
  assert.equal(r.method, 'exact');
  assert.equal(r.wPlus, 15);
  close(r.p, 0.0625, 1e-12);
});

test('exact Wilcoxon p counts rank subsets (n = 6, W− = 5: 10 of 64 subsets sum ≤ 5 → p = 0.3125)', () => {
  const r = wilcoxonSignedRank([-1, 2, 3, -4, 5, 6]);
  assert.equal(r.wPlus, 16);
  assert.equal(r.wMinus, 5);
  close(r.p, 0.3125, 1e-12);
});

test('zeros are dropped and ties get average ranks with the tie-corrected normal approximation (hand-checked p ≈ 0.0890)', () => {
  // |d| ranks: 1,1,1 → 2; 2,2 → 4.5; 3 → 6. W+ = 19, σ² = 22.75 − 30/48, z = (8.5 − 0.5)/σ.
  const r = wilcoxonSignedRank([1, 1, 2, 2, -1, 3, 0, 0]);
  assert.equal(r.n, 6);
  assert.equal(r.method, 'normal');
  assert.equal(r.wPlus, 19);
  close(r.p, 0.0890, 5e-4);
});

test('no non-zero difference means no evidence: p = 1', () => {
  assert.equal(wilcoxonSignedRank([0, 0, 0]).p, 1);
});

test('the paired bootstrap is seeded: same pairs and seed give the same bounds, another seed other bounds', () => {
  const xs = [0.1, -0.3, 0.25, 0.05, -0.12, 0.4, 0.0, 0.2];
  const mean = (picked: readonly number[]) => picked.reduce((s, i) => s + xs[i]!, 0) / picked.length;
  const a = pairedBootstrap(xs.length, mean, 7, { iterations: 500, confidence: 0.95 });
  const b = pairedBootstrap(xs.length, mean, 7, { iterations: 500, confidence: 0.95 });
  const c = pairedBootstrap(xs.length, mean, 8, { iterations: 500, confidence: 0.95 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.lo < a.estimate && a.estimate < a.hi, 'the estimate lies between its one-sided bounds');
});

test('identical pairs give a zero-width interval, and one pair gives none (NaN: too few to bound)', () => {
  const same = pairedBootstrap(5, () => 1.5, 1, { iterations: 200, confidence: 0.95 });
  assert.deepEqual([same.lo, same.hi], [1.5, 1.5]);
  const one = pairedBootstrap(1, () => 2, 1, { iterations: 200, confidence: 0.95 });
  assert.ok(Number.isNaN(one.lo) && Number.isNaN(one.hi));
});
