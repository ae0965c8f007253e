/**
 * compare on recorded same-build runs (the A/A fixture: one build, one vdevice, night after night):
 * every verdict is a false alarm. The frame-by-frame bootstrap gave most cells a verdict; blocks plus
 * the between-run spread of earlier nights must give far fewer, and IoU — the metric a vdevice can
 * measure — almost none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateNights, pooledNights, readAaFixture } from '../nightly/aa-fixture.ts';
import { aaCompareRates, aaFrameBootstrapRates, nightSide } from '../nightly/aa-verdicts.ts';
import { compareRuns } from './compare-runs.ts';

const nights = candidateNights(pooledNights(readAaFixture())); // the first night was a cold install
/** Pairs judged with a full history: the nights after the first HISTORY. */
const HISTORY = 10;

test('on recorded same-build nights, blocks + history give far fewer verdicts than frames, and ≤ 5% of IoU cells get one', () => {
  assert.ok(nights.length >= 20, `${nights.length} recorded nights`);
  const before = aaFrameBootstrapRates(nights, HISTORY + 1);
  const after = aaCompareRates(nights, HISTORY, HISTORY + 1);
  assert.equal(after.cells, before.cells);
  assert.ok(after.verdictCells * 2 <= before.verdictCells, `cells with a verdict: ${after.verdictCells} after vs ${before.verdictCells} before of ${after.cells}`);
  assert.ok(after.iouVerdicts <= 0.05 * after.cells, `IoU verdicts ${after.iouVerdicts}/${after.cells}`);
  assert.ok(after.failedPairs < before.failedPairs, `--fail-on-worse pairs failing: ${after.failedPairs} vs ${before.failedPairs}`);
});

test('without history the CI is the block bootstrap\'s and says so; history widens it and says how many runs', () => {
  const [a, b, ...rest] = nights.map(nightSide);
  // cells with too few blocks (a lighting seen in 10 frames) say "insufficient data" and have no noise model
  const judged = (cells: ReturnType<typeof compareRuns>) => cells.filter((c) => c.latency.verdict !== 'insufficient data');
  const alone = judged(compareRuns(a!, b!));
  const withHistory = judged(compareRuns(a!, b!, { history: rest.slice(0, 3) }));
  assert.ok(alone.length >= 3 && withHistory.length === alone.length, `${alone.length} judged cells`);
  assert.ok(alone.every((c) => c.latency.noise === 'blocks' && c.latency.history_runs === 0));
  assert.ok(withHistory.every((c) => c.latency.noise === 'blocks + between-run history' && c.latency.history_runs === 3));
  alone.forEach((c, i) => {
    const h = withHistory[i]!;
    assert.ok(h.latency.lo! <= c.latency.lo! && h.latency.hi! >= c.latency.hi!, `${c.lighting}: history only widens`);
  });
  const two = judged(compareRuns(a!, b!, { history: rest.slice(0, 2) }));
  assert.ok(two.every((c) => c.latency.noise === 'blocks'), 'two earlier runs are too few for a spread');
});
