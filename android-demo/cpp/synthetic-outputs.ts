/**
 * Model outputs painted from known card quads (per contract/model-io.json), so the C++ core can be
 * tested for exact geometry without a trained model: a heat peak at each card centre, corner offsets
 * in every cell of the card, and a mask rasterised from the quad at pixel centres (channel 0). Corner
 * points (channel 1) are painted only where a card names them, as a gaussian of one mask pixel around
 * each point: tests of the snapping put them where the mask and regression are not. The orientation
 * output is the quad's own rightward direction, (q1 - q0) + (q2 - q3), in the cells its heat owns
 * (a card's `right` overrides it: tests of the upright turn), zero elsewhere.
 */
import modelIo from '../contract/model-io.json' with { type: 'json' };
import type { Quad } from '../../harness/src/metrics/quad.ts';

export interface SyntheticCard { quad: Quad; score: number; /** corner points to paint, frame pixels */ points?: Quad;
  /** the card's rightward direction to paint, input pixels (default: from the quad's own order) */ right?: [number, number] }
export interface SyntheticOutputs {
  heat: Float32Array; heatShape: number[];
  corners: Float32Array; cornersShape: number[];
  mask: Float32Array; maskShape: number[];
  orient: Float32Array; orientShape: number[];
  frameWidth: number; frameHeight: number;
}

const [, inH, inW] = modelIo.input.shape as number[];
const shapeOf = (name: string) => modelIo.outputs.find((o) => o.name === name)!.shape;

function inside(q: Quad, x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = q[i]!, [bx, by] = q[(i + 1) % 4]!;
    const c = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (c === 0) continue;
    if (sign === 0) sign = Math.sign(c);
    else if (Math.sign(c) !== sign) return false;
  }
  return true;
}

export function paintOutputs(frameWidth: number, frameHeight: number, cards: SyntheticCard[]): SyntheticOutputs {
  const heatShape = shapeOf('heat'), cornersShape = shapeOf('corners'), maskShape = shapeOf('mask'), orientShape = shapeOf('orient');
  const [, hh, hw] = heatShape as [number, number, number, number];
  const [, mh, mw] = maskShape as [number, number, number, number];
  const heat = new Float32Array(hh * hw), corners = new Float32Array(hh * hw * 8), mask = new Float32Array(mh * mw * 2);
  const orient = new Float32Array(hh * hw * 2);
  const sx = frameWidth / inW!, sy = frameHeight / inH!;
  for (const card of cards) {
    const inq = card.quad.map(([x, y]) => [x / sx, y / sy] as const) as unknown as Quad; // input pixels
    const cx = inq.reduce((s, p) => s + p[0], 0) / 4, cy = inq.reduce((s, p) => s + p[1], 0) / 4;
    const right = card.right ?? [inq[1]![0] - inq[0]![0] + inq[2]![0] - inq[3]![0], inq[1]![1] - inq[0]![1] + inq[2]![1] - inq[3]![1]];
    const strideX = inW! / hw, strideY = inH! / hh;
    for (let y = 0; y < hh; y++) for (let x = 0; x < hw; x++) {
      const ccx = (x + 0.5) * strideX, ccy = (y + 0.5) * strideY;
      const d2 = ((ccx - cx) / strideX) ** 2 + ((ccy - cy) / strideY) ** 2;
      const v = card.score * Math.exp(-d2 / 4);
      if (v > heat[y * hw + x]!) {
        heat[y * hw + x] = v;
        for (let k = 0; k < 4; k++) {
          corners[(y * hw + x) * 8 + 2 * k] = (inq[k]![0] - ccx) / inW!;
          corners[(y * hw + x) * 8 + 2 * k + 1] = (inq[k]![1] - ccy) / inH!;
        }
        orient[(y * hw + x) * 2] = right[0];
        orient[(y * hw + x) * 2 + 1] = right[1];
      }
    }
    for (let y = 0; y < mh; y++) for (let x = 0; x < mw; x++) {
      if (inside(inq, (x + 0.5) * inW! / mw, (y + 0.5) * inH! / mh)) mask[(y * mw + x) * 2] = 0.95;
    }
    for (const [px, py] of card.points ?? []) {
      const mx = px / sx * mw / inW!, my = py / sy * mh / inH!; // mask pixels
      for (let y = 0; y < mh; y++) for (let x = 0; x < mw; x++) {
        const v = Math.exp(-((x + 0.5 - mx) ** 2 + (y + 0.5 - my) ** 2) / 2);
        const i = (y * mw + x) * 2 + 1;
        if (v > mask[i]!) mask[i] = v;
      }
    }
  }
  return { heat, heatShape, corners, cornersShape, mask, maskShape, orient, orientShape, frameWidth, frameHeight };
}
