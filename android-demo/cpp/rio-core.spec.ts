import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, crop, preprocess, quarterTurnCrop, turnUpright, TURN_CROP_SIDE, type CoreDetection } from './rio-core.ts';
import { paintOutputs } from './synthetic-outputs.ts';
import { quadIoU, cornerError, diagonal, isConvex, signedArea, type Quad } from '../../harness/src/metrics/quad.ts';

const W = 1280, H = 720;

function detections(r: ReturnType<typeof detect>): CoreDetection[] {
  if (r.error) assert.fail(`core returned ${r.error.code}: ${r.error.message}`);
  return r.detections;
}

/** Sets mask channel 0 (card pixels) to `value` at every mask pixel (x, y) where `inside` holds. */
function paintMask(o: ReturnType<typeof paintOutputs>, inside: (x: number, y: number) => boolean, value: number): void {
  const [, mh, mw] = o.maskShape as [number, number, number];
  for (let y = 0; y < mh; y++) for (let x = 0; x < mw; x++) if (inside(x, y)) o.mask[(y * mw + x) * 2] = value;
}

/** One mask pixel is 10×5.6 frame pixels here, so "exact" means within about half a mask pixel. */
function assertSameQuad(got: Quad, truth: Quad): void {
  assert.ok(quadIoU(got, truth) > 0.98, `IoU ${quadIoU(got, truth)} for ${JSON.stringify(got)}`);
  assert.ok(cornerError(got, truth) < 0.01 * diagonal(truth), `corner error ${cornerError(got, truth)}`);
  assert.ok(signedArea(got) > 0, 'clockwise (y down)');
}

const axisAligned: Quad = [[300, 200], [900, 200], [900, 560], [300, 560]];
const rotated: Quad = [[640, 100], [940, 380], [640, 660], [340, 380]];
const tilted: Quad = [[420, 180], [860, 210], [960, 600], [300, 560]]; // perspective: not a parallelogram

for (const [name, quad] of [['axis-aligned', axisAligned], ['rotated', rotated], ['tilted', tilted]] as const) {
  test(`recovers the exact quad of one ${name} card from its mask`, () => {
    const d = detections(detect(paintOutputs(W, H, [{ quad, score: 0.9 }])));
    assert.equal(d.length, 1);
    assert.equal(d[0]!.fromMask, true);
    assertSameQuad(d[0]!.quad, quad);
    // Same corner order as the card's own, not just any clockwise order.
    assert.ok(Math.hypot(d[0]!.quad[0][0] - quad[0][0], d[0]!.quad[0][1] - quad[0][1]) < 10);
  });
}

test('keeps the card\'s own top-left for a card upside down', () => {
  const upsideDown: Quad = [tilted[2], tilted[3], tilted[0], tilted[1]];
  const d = detections(detect(paintOutputs(W, H, [{ quad: upsideDown, score: 0.9 }])));
  assert.ok(Math.hypot(d[0]!.quad[0][0] - upsideDown[0][0], d[0]!.quad[0][1] - upsideDown[0][1]) < 10);
});

test('NMS keeps the best of overlapping candidates', () => {
  const weaker: Quad = [[360, 210], [960, 210], [960, 570], [360, 570]]; // 3 heat cells right: its own peak, IoU 0.8
  const o = paintOutputs(W, H, [{ quad: weaker, score: 0.6 }, { quad: axisAligned, score: 0.9 }]);
  o.mask.fill(0); // no mask: the regression quads survive as they are, so we can see which one won
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assert.ok(d[0]!.score > 0.8, `score ${d[0]!.score}`); // 0.9 painted, sampled off-centre
  assertSameQuad(d[0]!.quad, axisAligned);
  assert.equal(detections(detect({ ...o, params: { nms_iou: 1 } })).length, 2, 'both are candidates before NMS');
});

test('two cards give two quads, best first', () => {
  const left: Quad = [[60, 100], [500, 120], [480, 400], [80, 380]];
  const right: Quad = [[760, 300], [1200, 300], [1200, 600], [760, 600]];
  const d = detections(detect(paintOutputs(W, H, [{ quad: left, score: 0.7 }, { quad: right, score: 0.95 }])));
  assert.equal(d.length, 2);
  assertSameQuad(d[0]!.quad, right);
  assertSameQuad(d[1]!.quad, left);
});

test('empty outputs give no detections', () => {
  assert.deepEqual(detections(detect(paintOutputs(W, H, []))), []);
});

test('a tilted card whose mask lost its corners (glare, rounding) still gives its sharp perspective quad', () => {
  const o = paintOutputs(W, H, [{ quad: tilted, score: 0.9 }]);
  const [, mh, mw] = o.maskShape as [number, number, number];
  // bite every corner off the mask: a chamfer of 6 mask pixels
  const corners = tilted.map(([x, y]) => [x * mw / W, y * mh / H] as const);
  paintMask(o, (x, y) => corners.some(([cx, cy]) => Math.hypot(x + 0.5 - cx, y + 0.5 - cy) < 6), 0);
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assert.equal(d[0]!.fromMask, true);
  assert.ok(quadIoU(d[0]!.quad, tilted) > 0.95, `IoU ${quadIoU(d[0]!.quad, tilted)} for ${JSON.stringify(d[0]!.quad)}`);
  assert.ok(cornerError(d[0]!.quad, tilted) < 0.02 * diagonal(tilted), `corner error ${cornerError(d[0]!.quad, tilted)}`);
});

test('a blob that is not card-shaped (a disc fills pi/4 of its square) gives way to the corner regression', () => {
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  o.mask.fill(0);
  paintMask(o, (x, y) => (x - 60) ** 2 + (y - 60) ** 2 <= 30 ** 2, 0.9);
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assert.equal(d[0]!.fromMask, false, 'the regression quad, not the disc\'s enclosing square');
  assertSameQuad(d[0]!.quad, axisAligned);
});

test('a blob near a corner (glare, a shadow) does not pull the corner: the sides stay on the card\'s straight edges', () => {
  const o = paintOutputs(W, H, [{ quad: tilted, score: 0.9 }]);
  const [, mh, mw] = o.maskShape as [number, number, number];
  // a disc of 5 mask pixels just outside the right side, 90% of the way to the bottom-right corner
  const [a, b] = [tilted[1], tilted[2]];
  const [ex, ey] = [(b[0] - a[0]) * mw / W, (b[1] - a[1]) * mh / H];
  const len = Math.hypot(ex, ey);
  const [cx, cy] = [(a[0] + 0.9 * (b[0] - a[0])) * mw / W + 2 * ey / len, (a[1] + 0.9 * (b[1] - a[1])) * mh / H - 2 * ex / len];
  paintMask(o, (x, y) => Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= 5, 0.9);
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assert.equal(d[0]!.fromMask, true);
  // the blob's own simplification puts that corner on the disc: IoU 0.94
  assert.ok(quadIoU(d[0]!.quad, tilted) > 0.98, `IoU ${quadIoU(d[0]!.quad, tilted)} for ${JSON.stringify(d[0]!.quad)}`);
});

test('NaN and wrong shapes are returned as errors, not crashes', () => {
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  o.mask[77] = NaN;
  assert.equal(detect(o).error?.code, 'BAD_MODEL_OUTPUT');
  const p = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  p.heat[5] = Infinity;
  assert.equal(detect(p).error?.code, 'BAD_MODEL_OUTPUT');
  const q = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  assert.match(detect({ ...q, cornersShape: [1, 64, 64, 4] }).error?.message ?? '', /corners/);
  assert.equal(detect({ ...q, heat: q.heat.subarray(1) }).error?.code, 'BAD_MODEL_OUTPUT');
  assert.equal(detect({ ...q, mask: undefined as unknown as Float32Array }).error?.code, 'BAD_MODEL_OUTPUT');
  assert.equal(detect({ ...q, frameWidth: 0 }).error?.code, 'BAD_ARGUMENT');
});

/** Image of card point (u, v) ∈ [0,1]² for a 1.75:1 card tilted `tiltDeg` about the horizontal axis. */
function projectCard(tiltDeg: number, roll = 0.1): (u: number, v: number) => [number, number] {
  const f = 1000, dist = 1200, cw = 350, ch = 200, t = tiltDeg * Math.PI / 180;
  return (u, v) => {
    const x0 = (u - 0.5) * cw, y0 = (v - 0.5) * ch;
    const x = x0 * Math.cos(roll) - y0 * Math.sin(roll), y1 = x0 * Math.sin(roll) + y0 * Math.cos(roll);
    const y = y1 * Math.cos(t), z = dist + y1 * Math.sin(t);
    return [W / 2 + f * x / z, H / 2 + f * y / z];
  };
}

test('perspective crop recovers a tilted card\'s real aspect ratio, not its foreshortened one', () => {
  // A card with a black left half on grey, seen by a pinhole camera tilted 40 degrees, then cropped back.
  const pixels = new Uint8Array(W * H * 3).fill(128);
  const at = projectCard(40);
  for (let u = 0; u <= 1; u += 0.0005) for (let v = 0; v <= 1; v += 0.001) {
    const [x, y] = at(u, v);
    const o = (Math.round(y) * W + Math.round(x)) * 3;
    pixels.fill(u < 0.5 ? 0 : 255, o, o + 3);
  }
  const card: Quad = [at(0, 0), at(1, 0), at(1, 1), at(0, 1)];
  const side = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
  const imageAspect = (side(card[0], card[1]) + side(card[3], card[2])) / (side(card[1], card[2]) + side(card[0], card[3]));
  assert.ok(Math.abs(imageAspect - 1.75) > 0.3, `the image is foreshortened (${imageAspect})`);
  const r = crop({ pixels, width: W, height: H, channels: 3, quad: card, maxSide: 200 });
  if (r.error) assert.fail(r.error.message);
  assert.equal(r.width, 200);
  assert.ok(Math.abs(r.width / r.height - 1.75) < 0.02, `aspect ${r.width / r.height}`);
  const px = (x: number, y: number) => r.pixels[(y * r.width + x) * 3]!;
  assert.ok(px(25, 57) < 40 && px(175, 57) > 215, `left ${px(25, 57)} right ${px(175, 57)}`);
  assert.equal(crop({ pixels, width: W, height: H, channels: 3, quad: [[1, 1], [1, 1], [1, 1], [1, 1]] }).error?.code, 'BAD_ARGUMENT');
});

test('a known camera field of view keeps the crop card-shaped when corners are a few pixels off', () => {
  // The glare case of the UI specs: one corner 6-8 px off makes the focal length estimated from the
  // quad itself swing the aspect by up to 16%; the camera's own field of view keeps it within 6%.
  const pixels = new Uint8Array(W * H * 3).fill(128);
  const at = projectCard(30);
  const card: Quad = [at(0, 0), at(1, 0), at(1, 1), at(0, 1)];
  const fovDeg = 2 * Math.atan(W / 2 / 1000) * 180 / Math.PI; // projectCard's focal length, 1000 px
  const aspect = (quad: Quad, fov?: number) => {
    const r = crop({ pixels, width: W, height: H, channels: 3, quad, maxSide: 400, fovDeg: fov });
    if (r.error) assert.fail(r.error.message);
    return r.width / r.height;
  };
  assert.ok(Math.abs(aspect(card, fovDeg) / 1.75 - 1) < 0.005, `exact corners: ${aspect(card, fovDeg)}`);
  const estimated: number[] = [], known: number[] = [];
  for (const [dx, dy] of [[0, 6], [6, 0], [-6, 6], [0, -8], [8, 8]]) {
    const noisy = card.map((p, i) => (i === 1 ? [p[0] + dx!, p[1] + dy!] : p)) as unknown as Quad;
    estimated.push(Math.abs(aspect(noisy) / 1.75 - 1));
    known.push(Math.abs(aspect(noisy, fovDeg) / 1.75 - 1));
  }
  assert.ok(Math.max(...known) < 0.1, `known field of view: aspect errors ${known.map((e) => e.toFixed(3))}`);
  assert.ok(Math.max(...estimated) > Math.max(...known), `estimated ${estimated.map((e) => e.toFixed(3))} vs known ${known.map((e) => e.toFixed(3))}`);
  assert.equal(crop({ pixels, width: W, height: H, channels: 3, quad: card, fovDeg: 200 }).error?.code, 'BAD_ARGUMENT');
});

test('perspective crop of a card facing the camera keeps its image aspect ratio', () => {
  const pixels = new Uint8Array(W * H * 3).fill(128);
  const at = projectCard(0, 0);
  const r = crop({ pixels, width: W, height: H, channels: 3, quad: [at(0, 0), at(1, 0), at(1, 1), at(0, 1)], maxSide: 175 });
  if (r.error) assert.fail(r.error.message);
  assert.equal(r.width, 175);
  assert.ok(Math.abs(r.height - 100) <= 1, `height ${r.height}`);
});

test('preprocess stretches to the model input, RGB over 255', () => {
  // 4×2 RGBA frame: left half red, right half blue; stretched to 256×256 the left columns are red.
  const px = new Uint8Array(4 * 2 * 4);
  for (let i = 0; i < 8; i++) px.set(i % 4 < 2 ? [255, 0, 0, 7] : [0, 0, 255, 7], i * 4);
  const r = preprocess(px, 4, 2, 4);
  if (r.error) assert.fail(r.error.message);
  assert.equal(r.input.length, 256 * 256 * 3);
  assert.deepEqual([...r.input.subarray(0, 3)], [1, 0, 0]);
  assert.deepEqual([...r.input.subarray(255 * 3, 256 * 3)], [0, 0, 1]);
  assert.equal(preprocess(px, 5, 2, 4).error?.code, 'BAD_ARGUMENT');
});

test('several heat peaks inside one mask blob are one card', () => {
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  o.corners.fill(0); // degenerate regression quads: NMS alone cannot separate them
  o.heat.fill(0);
  for (const [x, y] of [[20, 20], [26, 22], [32, 25]]) o.heat[y! * 64 + x!] = 0.8;
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assertSameQuad(d[0]!.quad, axisAligned);
});

test('touching cards whose masks merge keep their own regression quads', () => {
  const left: Quad = [[200, 200], [600, 200], [600, 440], [200, 440]];
  const right: Quad = [[600, 260], [1000, 260], [1000, 500], [600, 500]];
  const d = detections(detect(paintOutputs(W, H, [{ quad: left, score: 0.9 }, { quad: right, score: 0.8 }])));
  assert.equal(d.length, 2);
  assertSameQuad(d[0]!.quad, left);
  assertSameQuad(d[1]!.quad, right);
});

test('a clean mask blob beats a poor corner regression of similar size', () => {
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  for (let i = 0; i < o.corners.length; i += 2) o.corners[i] = o.corners[i]! + 0.3; // every corner 77 input px right
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assert.equal(d[0]!.fromMask, true);
  assertSameQuad(d[0]!.quad, axisAligned);
});

test('corner points put back the corners of a mask a finger extends past the card\'s edge', () => {
  const o = paintOutputs(W, H, [{ quad: tilted, score: 0.9, points: tilted }]);
  // a finger holding the card near its bottom-left corner: a band 14 mask pixels wide down to the frame's edge
  paintMask(o, (x, y) => x >= 34 && x < 48 && y * H / 128 > 540, 0.95);
  for (let i = 0; i < o.corners.length; i++) o.corners[i] = o.corners[i]! * 1.08; // and a coarse regression
  const snapped = detections(detect(o));
  assert.equal(snapped.length, 1);
  assertSameQuad(snapped[0]!.quad, tilted);
  const unsnapped = detections(detect({ ...o, params: { corner_threshold: 1 } }));
  assert.ok(cornerError(unsnapped[0]!.quad, tilted) > 2 * cornerError(snapped[0]!.quad, tilted),
    `without corner points: corner error ${cornerError(unsnapped[0]!.quad, tilted)}, with: ${cornerError(snapped[0]!.quad, tilted)}`);
});

test('corner points sharpen the coarse regression quads of touching cards', () => {
  const left: Quad = [[200, 200], [600, 200], [600, 440], [200, 440]];
  const right: Quad = [[600, 260], [1000, 260], [1000, 500], [600, 500]];
  const o = paintOutputs(W, H, [{ quad: left, score: 0.9, points: left }, { quad: right, score: 0.8, points: right }]);
  for (let i = 0; i < o.corners.length; i++) o.corners[i] = o.corners[i]! * 1.08; // every corner 8% too far out
  const d = detections(detect(o));
  assert.equal(d.length, 2);
  assertSameQuad(d[0]!.quad, left);
  assertSameQuad(d[1]!.quad, right);
  assert.ok(quadIoU(detections(detect({ ...o, params: { corner_threshold: 1 } }))[0]!.quad, left) < 0.9, 'the regression alone is coarse');
});

test('a card running off the frame keeps its whole outline: the regression\'s corners past the edge, not the frame\'s edge', () => {
  const card: Quad = [[900, 200], [1400, 200], [1400, 520], [900, 520]]; // a quarter of it past the right edge
  // corner points at its two corners in view, and one where its top edge meets the frame's edge (no corner of the card)
  const o = paintOutputs(W, H, [{ quad: card, score: 0.9, points: [[900, 200], [1276, 202], [1276, 518], [900, 520]] }]);
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assert.equal(d[0]!.fromMask, true);
  assertSameQuad(d[0]!.quad, card);
  // a card whose side lies on the frame's edge (the regression agrees) keeps the mask's side there
  const edge: Quad = [[880, 200], [1280, 200], [1280, 520], [880, 520]];
  const e = detections(detect(paintOutputs(W, H, [{ quad: edge, score: 0.9 }])));
  assertSameQuad(e[0]!.quad, edge);
  assert.ok(Math.max(...e[0]!.quad.map((p) => p[0])) <= W + 1, JSON.stringify(e[0]!.quad));
});

test('a corner point beyond the snap radius (another card\'s corner) is left alone', () => {
  // the card's shorter side is 360 px, so its corners look 144 px around them; the nearest point is 197 px away
  const far: Quad = [[1080, 120], [1260, 120], [1260, 300], [1080, 300]];
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9, points: far }]);
  const d = detections(detect(o));
  assert.equal(d.length, 1);
  assertSameQuad(d[0]!.quad, axisAligned);
  assert.ok(quadIoU(d[0]!.quad, far) < 0.1);
});

// The orientation output (contract: orient, optional) turns the quad so corner 0 is the card's own top-left.
const turned = (q: Quad, k: number): Quad => [0, 1, 2, 3].map((i) => q[(i + k) % 4]!) as unknown as Quad;
const near = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!) < 10;

for (const [name, quad] of [['axis-aligned', axisAligned], ['rotated', rotated], ['tilted', tilted]] as const) {
  test(`orient turns a ${name} card's quad to start at the card's own top-left, whatever order the regression has`, () => {
    for (let k = 0; k < 4; k++) {
      // the regression (and mask) in some other cyclic order; orient says which way the card reads
      const own = turned(quad, k);
      const o = paintOutputs(W, H, [{ quad, score: 0.9, right: rightOf(own) }]);
      const d = detections(detect(o));
      assert.equal(d.length, 1);
      assertSameQuad(d[0]!.quad, own);
      assert.ok(near(d[0]!.quad[0], own[0]), `turn ${k}: corner 0 ${JSON.stringify(d[0]!.quad[0])}, expected ${JSON.stringify(own[0])}`);
    }
  });
}

/** The card's rightward direction in input pixels (256x256 stretched from W x H). */
function rightOf(q: Quad): [number, number] {
  const sx = 256 / W, sy = 256 / H;
  return [(q[1][0] - q[0][0] + q[2][0] - q[3][0]) * sx, (q[1][1] - q[0][1] + q[2][1] - q[3][1]) * sy];
}

test('a card turned a quarter: orient pointing down puts corner 0 at the image top-right', () => {
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9, right: [0, 1] }]);
  const d = detections(detect(o));
  assert.ok(near(d[0]!.quad[0], axisAligned[1]), JSON.stringify(d[0]!.quad));
});

test('a model without orient (older release) keeps the regression order; a zero orient means unknown', () => {
  const own = turned(rotated, 2);
  const withOrient = paintOutputs(W, H, [{ quad: own, score: 0.9, right: rightOf(rotated) }]);
  const { orient: _o, orientShape: _s, ...without } = withOrient;
  assert.ok(near(detections(detect(without))[0]!.quad[0], own[0]), 'no orient: regression order');
  assert.ok(near(detections(detect(withOrient))[0]!.quad[0], rotated[0]), 'orient: the card\'s own order');
  const zero = { ...withOrient, orient: new Float32Array(withOrient.orient.length) };
  assert.ok(near(detections(detect(zero))[0]!.quad[0], own[0]), 'zero orient: regression order');
  // shorter than half a unit vector: the model is unsure (L1 pulls an unknown direction to zero)
  const unsure = paintOutputs(W, H, [{ quad: own, score: 0.9, right: [0.3, 0.2] }]);
  assert.ok(near(detections(detect(unsure))[0]!.quad[0], own[0]), 'unsure orient: regression order');
  const sure = paintOutputs(W, H, [{ quad: own, score: 0.9, right: [0.6, 0.0] }]);
  assert.ok(!near(detections(detect(sure))[0]!.quad[0], own[0]), 'a sure orient turns it');
});

test('a wrongly shaped or non-finite orient is BAD_MODEL_OUTPUT naming it', () => {
  const o = paintOutputs(W, H, [{ quad: axisAligned, score: 0.9 }]);
  const wrong = detect({ ...o, orientShape: [1, 64, 64, 3] });
  assert.equal(wrong.error?.code, 'BAD_MODEL_OUTPUT');
  assert.match(wrong.error!.message, /orient/);
  const coarse = detect({ ...o, orient: new Float32Array(32 * 32 * 2), orientShape: [1, 32, 32, 2] });
  assert.match(coarse.error?.message ?? '', /orient grid differs/);
  const nan = new Float32Array(o.orient); nan[5] = NaN;
  assert.match(detect({ ...o, orient: nan }).error?.message ?? '', /orient: non-finite/);
});

/** A camera frame with a card whose own top-left quarter is red (the rest white) on a dark desk, and its quad. */
function redCornerCard(): { rgb: Uint8Array; quad: Quad } {
  const at = projectCard(25, 0.4);
  const rgb = new Uint8Array(W * H * 3).fill(40);
  for (let u = 0; u <= 1; u += 0.0005) for (let v = 0; v <= 1; v += 0.001) {
    const [x, y] = at(u, v);
    rgb.set(u < 0.5 && v < 0.5 ? [230, 20, 20] : [240, 240, 240], (Math.round(y) * W + Math.round(x)) * 3);
  }
  return { rgb, quad: [at(0, 0), at(1, 0), at(1, 1), at(0, 1)] };
}

const rolled = (q: Quad, s: number): Quad => [0, 1, 2, 3].map((i) => q[(i + s) % 4]!) as unknown as Quad;

function turnCrop(rgb: Uint8Array, quad: Quad, channels: 3 | 4 = 3): Float32Array {
  const r = quarterTurnCrop(rgb, W, H, channels, quad);
  if (r.error) assert.fail(`${r.error.code}: ${r.error.message}`);
  assert.equal(r.crop.length, TURN_CROP_SIDE * TURN_CROP_SIDE * 3);
  return r.crop;
}

test('the quarter-turn crop puts the quad\'s first corner at the canvas top-left; a quad starting one corner on is the crop a quarter turned', () => {
  const { rgb, quad } = redCornerCard();
  const n = TURN_CROP_SIDE, at = (c: Float32Array, x: number, y: number, k: number) => c[(y * n + x) * 3 + k]!;
  const upright = turnCrop(rgb, quad);
  // the card laid landscape in its image aspect (about 1.6), centred; the red quarter is its top-left
  assert.ok(at(upright, 12, 20, 0) > 0.8 && at(upright, 12, 20, 1) < 0.2, 'red at the top-left');
  assert.ok(at(upright, 50, 42, 1) > 0.8, 'white at the bottom-right');
  assert.deepEqual([at(upright, 5, 3, 0), at(upright, 60, 60, 2)], [0.5, 0.5], 'grey around the card');
  // the detection started at the card's top-right: the crop is the upright one turned a quarter
  // counter-clockwise (np.rot90(upright, 1)), as the classifier was trained
  const turned = turnCrop(rgb, rolled(quad, 1));
  let diff = 0;
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (let k = 0; k < 3; k++) diff += Math.abs(at(turned, x, y, k) - at(upright, n - 1 - y, x, k));
  assert.ok(diff / (n * n * 3) < 0.01, `mean difference from the rotated crop ${diff / (n * n * 3)}`);
  // RGBA (the app's bitmaps) crops the same as RGB
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  assert.deepEqual(turnCrop(rgba, quad, 4), upright);
});

test('turnUpright rolls a quad back by the largest logit, so corner 0 is the card\'s own top-left', () => {
  const { quad } = redCornerCard();
  for (let s = 0; s < 4; s++) {
    const logits = new Float32Array(4).fill(-1);
    logits[s] = 2;
    const r = turnUpright({ quad: rolled(quad, s), logits });
    if (r.error) assert.fail(r.error.message);
    assert.equal(r.turns, s);
    assert.deepEqual(r.quad, quad.map((p) => [Math.fround(p[0]), Math.fround(p[1])]));
  }
  const tie = turnUpright({ quad, logits: new Float32Array([1, 1, 0, 0]) });
  assert.equal(tie.error ? tie.error.message : tie.turns, 0, 'a tie keeps the first');
});

test('a fifth logit is "not a card": the turn comes from the first four, the detection is rejected at or above the threshold and kept below', () => {
  const { quad } = redCornerCard();
  const answer = (logits: number[], rejectThreshold?: number) => {
    const r = turnUpright({ quad: rolled(quad, 2), logits: new Float32Array(logits), ...(rejectThreshold !== undefined ? { rejectThreshold } : {}) });
    if (r.error) assert.fail(`${r.error.code}: ${r.error.message}`);
    return r;
  };
  const upright = quad.map((p) => [Math.fround(p[0]), Math.fround(p[1])]);
  // the no-card logit is the largest of all five, yet the turn is the argmax of the first four
  const likely = answer([0, -1, 2, 1, 3], 0.5);
  assert.equal(likely.turns, 2);
  assert.deepEqual(likely.quad, upright);
  const e = [0, -1, 2, 1, 3].map(Math.exp);
  const p = e[4]! / e.reduce((a, b) => a + b);
  assert.ok(Math.abs(likely.noCard - p) < 1e-6, `softmax of the fifth over all five: ${likely.noCard} vs ${p}`);
  assert.equal(likely.rejected, true, `p = ${p.toFixed(3)} >= 0.5`);
  assert.equal(answer([0, -1, 2, 1, 3], Math.fround(p) + 1e-4).rejected, false, 'kept just above p');
  // at exactly the threshold it is rejected: equal logits make p = 1/5 exactly
  const fifth = answer([0, 0, 0, 0, 0], 0.2);
  assert.equal(fifth.noCard, Math.fround(0.2));
  assert.equal(fifth.rejected, true, 'p = threshold rejects');
  assert.equal(answer([0, 0, 0, 0, 0], 0.25).rejected, false, 'p below the threshold keeps');
  // numerically stable: logits far beyond exp's range give a probability, not NaN
  const huge = answer([1000, 0, 0, 0, 3000], 0.999);
  assert.equal(huge.turns, 0);
  assert.equal(huge.noCard, 1);
  assert.equal(huge.rejected, true);
  assert.equal(answer([3000, 0, 0, 0, 1000], 0.001).noCard, 0);
  // 1 never rejects, even where the probability rounds to 1; the default (model-io.json's) is 1
  assert.equal(answer([0, 0, 0, 0, 3000], 1).rejected, false);
  assert.equal(answer([0, 0, 0, 0, 3000]).rejected, false);
});

test('a 4-logit classifier is never rejected and reports no-card probability 0, whatever the threshold', () => {
  const { quad } = redCornerCard();
  for (const rejectThreshold of [1e-6, 0.5, 1]) {
    const r = turnUpright({ quad: rolled(quad, 3), logits: new Float32Array([-5, -5, -5, 9]), rejectThreshold });
    if (r.error) assert.fail(r.error.message);
    assert.deepEqual([r.turns, r.rejected, r.noCard], [3, false, 0]);
  }
});

test('bad quarter-turn input is an error naming it, not a crash', () => {
  const { rgb, quad } = redCornerCard();
  assert.equal(turnUpright({ quad, logits: new Float32Array(3) }).error?.code, 'BAD_MODEL_OUTPUT');
  assert.match(turnUpright({ quad, logits: new Float32Array([0, NaN, 0, 0]) }).error?.message ?? '', /non-finite logit at 1/);
  assert.match(turnUpright({ quad, logits: new Float32Array(6) }).error?.message ?? '', /expected 4 or 5 logits, got 6/);
  assert.match(turnUpright({ quad, logits: new Float32Array([0, 0, 0, 0, Infinity]) }).error?.message ?? '', /non-finite logit at 4/);
  for (const rejectThreshold of [0, -0.1, 1.5, NaN]) {
    assert.equal(turnUpright({ quad, logits: new Float32Array(5), rejectThreshold }).error?.code, 'BAD_ARGUMENT', `threshold ${rejectThreshold}`);
  }
  assert.equal(quarterTurnCrop(rgb, W, H, 3, [[5, 5], [5, 5], [5, 5], [5, 5]]).error?.code, 'BAD_ARGUMENT');
  assert.equal(quarterTurnCrop(rgb, W, H, 3, [[0, 0], [1, 0], [NaN, 1], [0, 1]]).error?.code, 'BAD_ARGUMENT');
  assert.equal(quarterTurnCrop(rgb.subarray(1), W, H, 3, quad).error?.code, 'BAD_ARGUMENT');
  // a quad reaching far outside the frame still crops (black beyond the frame, as in training)
  const wild = quad.map(([x, y]) => [x * 40 - 20000, y * 40 - 9000]) as unknown as Quad;
  assert.equal(turnCrop(rgb, wild).length, TURN_CROP_SIDE * TURN_CROP_SIDE * 3);
});
