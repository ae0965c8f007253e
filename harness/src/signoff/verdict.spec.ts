import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeLower, judgeUpper } from './verdict.ts';

test('an upper margin: PASS when the bound clears it, FAIL when the whole interval is past it', () => {
  assert.equal(judgeUpper(0.9, 1.04, 1.05, 1), 'PASS');
  assert.equal(judgeUpper(1.2, 1.5, 1.05, 1), 'FAIL');
});

test('an upper margin: a bound past it FAILs only when the interval is narrow enough to resolve it', () => {
  assert.equal(judgeUpper(1.03, 1.07, 1.05, 1), 'FAIL', 'width 0.04 resolves a margin 0.05 from no change');
  assert.equal(judgeUpper(0.99, 1.07, 1.05, 1), 'INCONCLUSIVE', 'width 0.08 does not');
  assert.equal(judgeUpper(NaN, 1.07, 1.05, 1), 'INCONCLUSIVE', 'no interval, no verdict');
});

test('a lower margin mirrors it (ΔIoU ≥ −0.01 against no change 0)', () => {
  assert.equal(judgeLower(-0.005, 0.01, -0.01, 0), 'PASS');
  assert.equal(judgeLower(-0.015, -0.008, -0.01, 0), 'FAIL');
  assert.equal(judgeLower(-0.03, 0.01, -0.01, 0), 'INCONCLUSIVE');
  assert.equal(judgeLower(-0.0100001, -0.0100001, -0.01, 0), 'FAIL', 'a deterministic drop just past the margin');
});
