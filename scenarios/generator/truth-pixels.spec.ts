import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFrames } from './frame-plan.ts';
import { mul, rectQuad } from './homography.ts';
import { renderScene } from './scene-render.ts';
import { maskTexture, cardSizeMm } from './card-design.ts';
import { signedArea, type Point } from '../../harness/src/metrics/quad.ts';
import { testSpec } from './test-fixtures.ts';
import type { ScenarioSpec } from './scenario-spec.ts';

/** Sub-pixel points where the mask crosses 0.5, scanning rows and columns. */
function edgePoints(a: Float32Array, w: number, h: number): Point[] {
  const pts: Point[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x + 1 < w; x++) {
    const p = a[y * w + x]!, q = a[y * w + x + 1]!;
    if ((p - 0.5) * (q - 0.5) < 0) pts.push([x + 0.5 + (0.5 - p) / (q - p), y + 0.5]);
  }
  for (let x = 0; x < w; x++) for (let y = 0; y + 1 < h; y++) {
    const p = a[y * w + x]!, q = a[(y + 1) * w + x]!;
    if ((p - 0.5) * (q - 0.5) < 0) pts.push([x + 0.5, y + 0.5 + (0.5 - p) / (q - p)]);
  }
  return pts;
}

/** Coarse corners: support points of the boundary, grouped; each corner is extreme for a range of directions. */
function coarseCorners(pts: Point[]): Point[] {
  const support: Point[] = [];
  for (let d = 0; d < 360; d += 0.5) {
    const c = Math.cos((d * Math.PI) / 180), s = Math.sin((d * Math.PI) / 180);
    let best = pts[0]!, bv = -Infinity;
    for (const p of pts) { const v = p[0] * c + p[1] * s; if (v > bv) { bv = v; best = p; } }
    support.push(best);
  }
  const groups: Point[][] = [];
  for (const p of support) {
    const g = groups.find((g) => Math.hypot(g[0]![0] - p[0], g[0]![1] - p[1]) < 6);
    if (g) g.push(p); else groups.push([p]);
  }
  // Corners hold for many directions; stray support points along an edge hold for few.
  return groups.sort((a, b) => b.length - a.length).slice(0, 4).map((g) => g[0]!);
}

/** Corners from the mask alone: fit a line to each edge's crossings, intersect neighbours. */
function maskCorners(a: Float32Array, w: number, h: number): Point[] {
  const pts = edgePoints(a, w, h);
  const coarse = coarseCorners(pts);
  const cx = coarse.reduce((s, p) => s + p[0], 0) / 4, cy = coarse.reduce((s, p) => s + p[1], 0) / 4;
  coarse.sort((p, q) => Math.atan2(p[1] - cy, p[0] - cx) - Math.atan2(q[1] - cy, q[0] - cx));
  const lines = coarse.map((p, i) => {
    const q = coarse[(i + 1) % 4]!;
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]), nx = -(q[1] - p[1]) / len, ny = (q[0] - p[0]) / len;
    const mine = pts.filter((r) => {
      const t = ((r[0] - p[0]) * (q[0] - p[0]) + (r[1] - p[1]) * (q[1] - p[1])) / (len * len);
      return t > 0.08 && t < 0.92 && Math.abs((r[0] - p[0]) * nx + (r[1] - p[1]) * ny) < 3;
    });
    // Total least squares line through the edge's crossings.
    const mx = mine.reduce((s, r) => s + r[0], 0) / mine.length, my = mine.reduce((s, r) => s + r[1], 0) / mine.length;
    let sxx = 0, sxy = 0, syy = 0;
    for (const r of mine) { sxx += (r[0] - mx) ** 2; sxy += (r[0] - mx) * (r[1] - my); syy += (r[1] - my) ** 2; }
    const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
    return { mx, my, dx: Math.cos(theta), dy: Math.sin(theta) };
  });
  return lines.map((l, i) => {
    const m = lines[(i + 3) % 4]!;
    const det = l.dx * -m.dy - l.dy * -m.dx;
    const t = ((m.mx - l.mx) * -m.dy - (m.my - l.my) * -m.dx) / det;
    return [l.mx + t * l.dx, l.my + t * l.dy] as Point;
  });
}

const POSES: [string, Partial<ScenarioSpec>][] = [
  ['straight', { camera: { fill: 0.6, tilt: 0, tiltAxis: 0, roll: 0, jitter: 0, position: [0.5, 0.5] } }],
  ['rotated 33°', { camera: { fill: 0.6, tilt: 0, tiltAxis: 0, roll: 33, jitter: 0, position: [0.47, 0.52] } }],
  ['tilted 45° about a skew axis', { camera: { fill: 0.55, tilt: 45, tiltAxis: 20, roll: -12, jitter: 0, position: [0.5, 0.5] } }],
  ['tilted 30°, rolled 120°, portrait 720×1280', { resolution: [720, 1280], camera: { fill: 0.7, tilt: 30, tiltAxis: 200, roll: 120, jitter: 0, position: [0.5, 0.45] } }],
  ['vertical 3.5×2 in card, 1920×1080, tilt 40°', {
    resolution: [1920, 1080],
    cards: [{ design: { style: 'white', finish: 'matte', script: 'korean', layout: 'vertical', size: '3.5x2in', logo: false, seed: 1 }, offsetMm: [0, 0], rotationDeg: 0 }],
    camera: { fill: 0.5, tilt: 40, tiltAxis: 95, roll: 5, jitter: 4, position: [0.55, 0.5] },
  }],
];

for (const [name, over] of POSES) {
  test(`truth quad matches the rendered card mask within 1 px: ${name}`, () => {
    const spec = testSpec({ ...over, background: 'black' });
    const plan = planFrames(spec)[0]!;
    const [W, H] = cardSizeMm(spec.cards[0]!.design);
    const [w, h] = spec.resolution;
    const card = plan.cards[0]!;
    const scene = renderScene(w, h, plan.planeToFrame, null, [{ texture: maskTexture(W, H), toPlane: card.toPlane }], []);
    const mask = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) mask[i] = scene.rgb[i * 3]!;
    const truth = rectQuad(mul(plan.planeToFrame, card.toPlane), W, H);
    assert.ok(signedArea(truth) > 0, 'truth quad is clockwise in image coordinates');
    const found = maskCorners(mask, w, h);
    for (const t of truth) {
      const err = Math.min(...found.map((f) => Math.hypot(f[0] - t[0], f[1] - t[1])));
      assert.ok(err < 1, `corner (${t[0].toFixed(2)}, ${t[1].toFixed(2)}) is ${err.toFixed(3)} px from the mask's corner`);
    }
  });
}

test('visible fraction counts what is out of frame and under a finger', () => {
  const out = planFrames(testSpec({ background: 'black', camera: { fill: 0.6, tilt: 0, tiltAxis: 0, roll: 0, jitter: 0, position: [1.0, 0.5] } }))[0]!;
  const spec = testSpec({ background: 'black' });
  const [W, H] = cardSizeMm(spec.cards[0]!.design);
  const half = renderScene(640, 360, out.planeToFrame, null, [{ texture: maskTexture(W, H), toPlane: out.cards[0]!.toPlane }], []);
  const quad = rectQuad(mul(out.planeToFrame, out.cards[0]!.toPlane), W, H);
  const areaQ = Math.abs(signedArea(quad));
  assert.ok(Math.abs(half.visibleArea[0]! / areaQ - 0.5) < 0.01, `half out of frame → visible ${half.visibleArea[0]! / areaQ}`);
  const withFinger = planFrames(testSpec({ background: 'black', finger: [0, 0] }))[0]!;
  const whole = renderScene(640, 360, withFinger.planeToFrame, null, [{ texture: maskTexture(W, H), toPlane: withFinger.cards[0]!.toPlane }], []);
  const covered = renderScene(640, 360, withFinger.planeToFrame, null, [{ texture: maskTexture(W, H), toPlane: withFinger.cards[0]!.toPlane }], withFinger.fingers);
  assert.ok(covered.visibleArea[0]! < whole.visibleArea[0]! * 0.97, 'a finger hides part of the card');
});
