/**
 * Geometry of one frame: the desk plane and the cards on it, seen through the camera homography,
 * rendered by inverse mapping every frame pixel (so the card corners land exactly on the truth quad),
 * plus a finger held over the scene. Output is linear-light albedo, before any lighting.
 */
import { apply, invert, mul, type Mat3 } from './homography.ts';
import type { Point } from '../../harness/src/metrics/quad.ts';

/** Linear-light RGB raster, row-major, 3 floats per pixel. */
export interface Texture {
  width: number;
  height: number;
  data: Float32Array;
}

/** The desk: a texture laid on the plane, `pxPerMm` texels per millimetre from `originMm`. */
export interface PlaneTexture extends Texture {
  originMm: [number, number];
  pxPerMm: number;
}

export interface CardTexture extends Texture {
  widthMm: number;
  heightMm: number;
  /** 0 matte … 1 glossy: how strongly a specular highlight shows on the card. */
  gloss: number;
}

export interface PlacedCard {
  texture: CardTexture;
  /** Card-local mm → plane mm. */
  toPlane: Mat3;
}

/** A finger over the scene: a capsule from `base` (usually outside the frame) to `tip`, pixels. */
export interface Finger {
  base: Point;
  tip: Point;
  widthPx: number;
  skin: [number, number, number];
}

export interface SceneRaster {
  width: number;
  height: number;
  rgb: Float32Array;
  /** Per pixel: 0 no card, k+1 card k on top. */
  cardId: Uint8Array;
  /** Per pixel: visible coverage of that card (0…1), after occlusion. */
  coverage: Float32Array;
  /** Per card: visible pixel area (coverage sum). */
  visibleArea: number[];
}

/** Millimetres of the soft contact shadow a card casts on the desk (cards are never perfectly flat). */
const CARD_SHADOW_MM = 1.6;
const CARD_SHADOW_OFFSET_MM: [number, number] = [0.5, 0.8];
const CARD_SHADOW_DEPTH = 0.35;

export function renderScene(width: number, height: number, planeToFrame: Mat3, plane: PlaneTexture | null,
  cards: PlacedCard[], fingers: Finger[]): SceneRaster {
  const n = width * height;
  const rgb = new Float32Array(n * 3);
  const cardId = new Uint8Array(n);
  const coverage = new Float32Array(n);
  const M = invert(planeToFrame); // frame → plane
  const cardInv = cards.map((c) => invert(c.toPlane)); // plane → card-local (affine)
  const cardBoxes = cards.map((c) => frameBox(mul(planeToFrame, c.toPlane), c.texture.widthMm, c.texture.heightMm, width, height));
  // plane → texture texel
  const s = plane?.pxPerMm ?? 1, ox = plane?.originMm[0] ?? 0, oy = plane?.originMm[1] ?? 0;
  const px = new Float32Array(3);
  const pd = plane && plane.width > 1 && plane.height > 1 ? plane.data : null, pw = plane?.width ?? 0, ph = plane?.height ?? 0;
  for (let y = 0; y < height; y++) {
    const fy = y + 0.5;
    let nx = M[0] * 0.5 + M[1] * fy + M[2];
    let ny = M[3] * 0.5 + M[4] * fy + M[5];
    let nw = M[6] * 0.5 + M[7] * fy + M[8];
    for (let x = 0; x < width; x++, nx += M[0], ny += M[3], nw += M[6]) {
      const i = y * width + x;
      const X = nx / nw, Y = ny / nw;
      let r = 0, g = 0, b = 0;
      if (pd) {
        // Bilinear desk sample, mirrored beyond the texture (inlined: this is the hottest loop).
        let tx = (X - ox) * s - 0.5, ty = (Y - oy) * s - 0.5;
        if (tx < 0 || tx > pw - 1) tx = mirror(tx, pw);
        if (ty < 0 || ty > ph - 1) ty = mirror(ty, ph);
        let x0 = tx | 0, y0 = ty | 0;
        if (x0 > pw - 2) x0 = pw - 2;
        if (y0 > ph - 2) y0 = ph - 2;
        const ax = tx - x0, ay = ty - y0;
        const i00 = (y0 * pw + x0) * 3, i01 = i00 + pw * 3;
        const w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
        r = pd[i00]! * w00 + pd[i00 + 3]! * w10 + pd[i01]! * w01 + pd[i01 + 3]! * w11;
        g = pd[i00 + 1]! * w00 + pd[i00 + 4]! * w10 + pd[i01 + 1]! * w01 + pd[i01 + 4]! * w11;
        b = pd[i00 + 2]! * w00 + pd[i00 + 5]! * w10 + pd[i01 + 2]! * w01 + pd[i01 + 5]! * w11;
      }
      for (let k = 0; k < cards.length; k++) {
        const box = cardBoxes[k]!;
        if (x < box[0] || x > box[2] || y < box[1] || y > box[3]) continue;
        const A = cardInv[k]!, tex = cards[k]!.texture;
        const u = A[0] * X + A[1] * Y + A[2], v = A[3] * X + A[4] * Y + A[5];
        const W = tex.widthMm, H = tex.heightMm;
        // Millimetres per pixel here, from the Jacobian of the frame → plane map.
        const jxx = (M[0] - X * M[6]) / nw, jyx = (M[3] - Y * M[6]) / nw;
        const jxy = (M[1] - X * M[7]) / nw, jyy = (M[4] - Y * M[7]) / nw;
        const mmPerPx = Math.sqrt(Math.abs(jxx * jyy - jxy * jyx));
        const sd = Math.min(u, W - u, v, H - v) / mmPerPx; // signed distance to the edge, px
        if (sd < 0.5) {
          const su = u - CARD_SHADOW_OFFSET_MM[0], sv = v - CARD_SHADOW_OFFSET_MM[1];
          const sdS = Math.min(su, W - su, sv, H - sv);
          if (sdS > -CARD_SHADOW_MM) {
            const f = 1 - CARD_SHADOW_DEPTH * Math.min(1, 1 + sdS / CARD_SHADOW_MM);
            r *= f; g *= f; b *= f;
          }
        }
        if (sd <= -0.5) continue;
        const alpha = sd >= 0.5 ? 1 : sd + 0.5;
        const tu = Math.min(Math.max(u, 0), W) * (tex.width / W) - 0.5;
        const tv = Math.min(Math.max(v, 0), H) * (tex.height / H) - 0.5;
        sampleClamp(tex, tu, tv, px);
        r = r * (1 - alpha) + px[0]! * alpha;
        g = g * (1 - alpha) + px[1]! * alpha;
        b = b * (1 - alpha) + px[2]! * alpha;
        // A card on top hides what is below it; the lower card keeps only what shows.
        if (alpha >= coverage[i]! || cardId[i] === 0) { cardId[i] = k + 1; coverage[i] = alpha; }
      }
      rgb[i * 3] = r; rgb[i * 3 + 1] = g; rgb[i * 3 + 2] = b;
    }
  }
  for (const f of fingers) drawFinger(rgb, coverage, width, height, f);
  const visibleArea = cards.map(() => 0);
  for (let i = 0; i < n; i++) if (cardId[i]! > 0) visibleArea[cardId[i]! - 1]! += coverage[i]!;
  return { width, height, rgb, cardId, coverage, visibleArea };
}

/** Pixel bounding box [x0, y0, x1, y1] of a card's quad plus a margin for the AA edge and shadow. */
function frameBox(cardToFrame: Mat3, w: number, h: number, fw: number, fh: number): [number, number, number, number] {
  const pts = [apply(cardToFrame, 0, 0), apply(cardToFrame, w, 0), apply(cardToFrame, w, h), apply(cardToFrame, 0, h)];
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const m = 12;
  return [Math.max(0, Math.floor(Math.min(...xs)) - m), Math.max(0, Math.floor(Math.min(...ys)) - m),
    Math.min(fw - 1, Math.ceil(Math.max(...xs)) + m), Math.min(fh - 1, Math.ceil(Math.max(...ys)) + m)];
}

function mirror(v: number, n: number): number {
  const p = 2 * (n - 1);
  if (p <= 0) return 0;
  v = v % p;
  if (v < 0) v += p;
  return v > n - 1 ? p - v : v;
}

/** Bilinear sample with mirrored addressing: the desk continues beyond its texture. */
export function sampleMirror(t: Texture, x: number, y: number, out: Float32Array): void {
  if (x < 0 || x > t.width - 1) x = mirror(x, t.width);
  if (y < 0 || y > t.height - 1) y = mirror(y, t.height);
  bilinear(t, x, y, out);
}

export function sampleClamp(t: Texture, x: number, y: number, out: Float32Array): void {
  bilinear(t, Math.min(Math.max(x, 0), t.width - 1), Math.min(Math.max(y, 0), t.height - 1), out);
}

function bilinear(t: Texture, x: number, y: number, out: Float32Array): void {
  const x0 = Math.min(Math.floor(x), t.width - 2 < 0 ? 0 : t.width - 2), y0 = Math.min(Math.floor(y), t.height - 2 < 0 ? 0 : t.height - 2);
  const ax = x - x0, ay = y - y0;
  const d = t.data, w = t.width;
  const i00 = (y0 * w + x0) * 3, i10 = i00 + 3, i01 = i00 + w * 3, i11 = i01 + 3;
  for (let c = 0; c < 3; c++) {
    const top = d[i00 + c]! + (d[i10 + c]! - d[i00 + c]!) * ax;
    const bot = d[i01 + c]! + (d[i11 + c]! - d[i01 + c]!) * ax;
    out[c] = top + (bot - top) * ay;
  }
}

/** A finger: a shaded capsule with a nail, drawn over the scene; it hides the card beneath it. */
function drawFinger(rgb: Float32Array, coverage: Float32Array, width: number, height: number, f: Finger): void {
  const r = f.widthPx / 2;
  const [bx, by] = f.base, [tx, ty] = f.tip;
  const dx = tx - bx, dy = ty - by, len2 = dx * dx + dy * dy, len = Math.sqrt(len2);
  const x0 = Math.max(0, Math.floor(Math.min(bx, tx) - r - 1)), x1 = Math.min(width - 1, Math.ceil(Math.max(bx, tx) + r + 1));
  const y0 = Math.max(0, Math.floor(Math.min(by, ty) - r - 1)), y1 = Math.min(height - 1, Math.ceil(Math.max(by, ty) + r + 1));
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
    const px = x + 0.5 - bx, py = y + 0.5 - by;
    const t = Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
    const qx = px - t * dx, qy = py - t * dy;
    const dist = Math.sqrt(qx * qx + qy * qy);
    const alpha = Math.min(1, Math.max(0, r - dist + 0.5));
    if (alpha <= 0) continue;
    // Round shading across the finger; a lighter nail near the tip.
    const across = Math.min(1, dist / r);
    let shade = 0.45 + 0.55 * Math.sqrt(1 - across * across);
    const along = t * len;
    const nail = along > len - r * 1.6 && across < 0.6;
    if (nail) shade *= 1.25;
    const i = y * width + x;
    for (let c = 0; c < 3; c++) {
      const skin = f.skin[c]! * shade * (nail ? (c === 0 ? 1.0 : 1.05) : 1);
      rgb[i * 3 + c] = rgb[i * 3 + c]! * (1 - alpha) + skin * alpha;
    }
    coverage[i] = coverage[i]! * (1 - alpha);
  }
}
