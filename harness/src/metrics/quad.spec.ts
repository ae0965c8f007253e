import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quadIoU, cornerError, type Quad } from './quad.ts';

const square = (x: number, y: number, s: number): Quad => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];

test('identical quads have IoU 1', () => {
  assert.equal(quadIoU(square(10, 10, 100), square(10, 10, 100)), 1);
});

test('disjoint quads have IoU 0', () => {
  assert.equal(quadIoU(square(0, 0, 10), square(50, 50, 10)), 0);
});

test('half overlap: two unit squares shifted by half share 1/3 of their union', () => {
  // intersection 50 (5x10), union 150
  assert.ok(Math.abs(quadIoU(square(0, 0, 10), [[5, 0], [15, 0], [15, 10], [5, 10]]) - 1 / 3) < 1e-12);
});

test('a square rotated 45 degrees inside its bounding square', () => {
  // diamond with vertices on the mid-edges of a 2x2 square: area 2, square area 4 -> IoU 0.5
  const diamond: Quad = [[1, 0], [2, 1], [1, 2], [0, 1]];
  assert.ok(Math.abs(quadIoU(diamond, square(0, 0, 2)) - 0.5) < 1e-12);
});

test('counter-clockwise order gives the same IoU', () => {
  const ccw: Quad = [[0, 0], [0, 10], [10, 10], [10, 0]];
  assert.ok(Math.abs(quadIoU(ccw, [[5, 0], [15, 0], [15, 10], [5, 10]]) - 1 / 3) < 1e-12);
});

test('degenerate quads (zero area, NaN) have IoU 0', () => {
  assert.equal(quadIoU([[0, 0], [10, 0], [20, 0], [30, 0]], square(0, 0, 10)), 0);
  assert.equal(quadIoU([[NaN, 0], [10, 0], [10, 10], [0, 10]], square(0, 0, 10)), 0);
});

test('corner error takes the best cyclic shift of the corners', () => {
  const t = square(0, 0, 10);
  const rotatedLabels: Quad = [t[2], t[3], t[0], t[1]];
  assert.equal(cornerError(rotatedLabels, t), 0);
  assert.equal(cornerError(square(1, 0, 10), t), 1);
});
