import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCrops } from './crop-match.ts';
import type { Quad } from './quad.ts';

const sq = (x: number, y: number, s: number): Quad => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];
const det = (q: Quad, score = 0.9) => ({ quad: q, score });

test('a perfect detection: IoU 1, no corner error, no false detections', () => {
  const m = matchCrops([det(sq(0, 0, 100))], [{ quad: sq(0, 0, 100), visible: 1 }]);
  assert.deepEqual([m.cards, m.matched, m.iou, m.cornerErrPx, m.cornerErrPct, m.falseDetections], [1, 1, 1, 0, 0, 0]);
});

test('two cards are matched one-to-one by best total IoU, whatever the detection order', () => {
  const truth = [{ quad: sq(0, 0, 100), visible: 1 }, { quad: sq(200, 0, 100), visible: 1 }];
  const m = matchCrops([det(sq(210, 0, 100)), det(sq(0, 0, 100))], truth);
  assert.equal(m.matched, 2);
  assert.deepEqual(m.pairs.map((p) => p.detection), [1, 0]);
  // card 2: shifted 10 px → IoU 90/110; corner error 10 px; diagonal 100√2
  assert.ok(Math.abs(m.iou! - (1 + 90 / 110) / 2) < 1e-12);
  assert.ok(Math.abs(m.cornerErrPx! - 5) < 1e-12);
  assert.ok(Math.abs(m.cornerErrPct! - (100 * 10 / (100 * Math.SQRT2)) / 2) < 1e-9);
});

test('one detection covering two cards counts once; the other card is missed', () => {
  const truth = [{ quad: sq(0, 0, 100), visible: 1 }, { quad: sq(100, 0, 100), visible: 1 }];
  const m = matchCrops([det([[0, 0], [200, 0], [200, 100], [0, 100]])], truth);
  assert.equal(m.matched, 1);
  assert.ok(Math.abs(m.iou! - 0.25) < 1e-12); // (0.5 + 0) / 2
  assert.equal(m.falseDetections, 0);
});

test('detections on a negative frame, or overlapping a card too little, are false detections', () => {
  assert.equal(matchCrops([det(sq(0, 0, 10)), det(sq(50, 50, 10))], []).falseDetections, 2);
  assert.equal(matchCrops([], []).iou, null);
  const m = matchCrops([det(sq(95, 0, 100))], [{ quad: sq(0, 0, 100), visible: 1 }]);
  assert.equal(m.matched, 0);
  assert.equal(m.falseDetections, 1);
  assert.equal(m.iou, 0);
  assert.equal(m.cornerErrPx, null);
});

test('a mostly hidden card is not required but still absorbs its detection', () => {
  const m = matchCrops([det(sq(0, 0, 100))], [{ quad: sq(0, 0, 100), visible: 0.2 }]);
  assert.deepEqual([m.cards, m.matched, m.iou, m.falseDetections], [0, 0, null, 0]);
});
