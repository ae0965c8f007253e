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

/** The arrays of a scene raster, which a render thread reuses frame after frame. */
export type SceneBuffers = Pick<SceneRaster, 'rgb' | 'cardId' | 'coverage'>;

export function sceneBuffers(pixels: number): SceneBuffers {
  return { rgb: new Float32Array(pixels * 3), cardId: new Uint8Array(pixels), coverage: new Float32Array(pixels) };
}

/** Renders into `buffers` (any earlier contents are overwritten or cleared) or into new arrays. */
export function renderScene(width: number, height: number, planeToFrame: Mat3, plane: PlaneTexture | null,
  cards: PlacedCard[], fingers: Finger[], buffers: SceneBuffers = sceneBuffers(width * height)): SceneRaster {
  const n = width * height;
  const { rgb, cardId, coverage } = buffers;
  if (cardId.length !== n) throw new RangeError(`scene buffers hold ${cardId.length} pixels, the frame has ${n}`);
  // The loop below writes every pixel of rgb but only the card pixels of these two.
  cardId.fill(0);
  coverage.fill(0);
  const M = invert(planeToFrame); // frame → plane
  const m0 = M[0], m1 = M[1], m2 = M[2], m3 = M[3], m4 = M[4], m5 = M[5], m6 = M[6], m7 = M[7], m8 = M[8];
  const detM = m0 * (m4 * m8 - m5 * m7) - m1 * (m3 * m8 - m5 * m6) + m2 * (m3 * m7 - m4 * m6);
  const samplers = cards.map((c) => cardSampler(c, mul(planeToFrame, c.toPlane), width, height));
  // plane → texture texel
  const s = plane?.pxPerMm ?? 1, ox = plane?.originMm[0] ?? 0, oy = plane?.originMm[1] ?? 0;
  const pd = plane && plane.width > 1 && plane.height > 1 ? plane.data : null, pw = plane?.width ?? 0, ph = plane?.height ?? 0;
  const pw3 = pw * 3;
  // This is the hottest loop of the generator: everything per row or per card is hoisted out of it,
  // and the samplers are inlined (their float32 results rounded with Math.fround as the stores did).
  for (let y = 0; y < height; y++) {
    const fy = y + 0.5;
    let nx = m0 * 0.5 + m1 * fy + m2;
    let ny = m3 * 0.5 + m4 * fy + m5;
    let nw = m6 * 0.5 + m7 * fy + m8;
    // Columns where some card's box meets this row; outside them only the desk is drawn.
    let lo = width, hi = -1;
    for (const c of samplers) if (y >= c.y0 && y <= c.y1) { lo = Math.min(lo, c.x0); hi = Math.max(hi, c.x1); }
    const edgeMm = hi < lo ? Infinity : halfPixelMm(detM, m6 * (lo + 0.5) + m7 * fy + m8, m6 * (hi + 0.5) + m7 * fy + m8);
    for (let x = 0, i = y * width; x < width; x++, i++, nx += m0, ny += m3, nw += m6) {
      const X = nx / nw, Y = ny / nw;
      let r = 0, g = 0, b = 0;
      if (pd) {
        // Bilinear desk sample, mirrored beyond the texture.
        let tx = (X - ox) * s - 0.5, ty = (Y - oy) * s - 0.5;
        if (tx < 0 || tx > pw - 1) tx = mirror(tx, pw);
        if (ty < 0 || ty > ph - 1) ty = mirror(ty, ph);
        let x0 = tx | 0, y0 = ty | 0;
        if (x0 > pw - 2) x0 = pw - 2;
        if (y0 > ph - 2) y0 = ph - 2;
        const ax = tx - x0, ay = ty - y0;
        const i00 = (y0 * pw + x0) * 3, i01 = i00 + pw3;
        const w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
        r = pd[i00]! * w00 + pd[i00 + 3]! * w10 + pd[i01]! * w01 + pd[i01 + 3]! * w11;
        g = pd[i00 + 1]! * w00 + pd[i00 + 4]! * w10 + pd[i01 + 1]! * w01 + pd[i01 + 4]! * w11;
        b = pd[i00 + 2]! * w00 + pd[i00 + 5]! * w10 + pd[i01 + 2]! * w01 + pd[i01 + 5]! * w11;
      }
      if (x >= lo && x <= hi) {
        let mmPerPx = -1; // computed when a card's edge is near (the same for every card)
        for (let k = 0; k < samplers.length; k++) {
          const c = samplers[k]!;
          if (x < c.x0 || x > c.x1 || y < c.y0 || y > c.y1) continue;
          const u = c.a0 * X + c.a1 * Y + c.a2, v = c.a3 * X + c.a4 * Y + c.a5;
          const W = c.W, H = c.H;
          const mm = Math.min(u, W - u, v, H - v); // signed distance to the edge, mm
          let alpha = 1;
          // Well inside the card (mm ≥ edgeMm) the edge distance in pixels is ≥ 0.5 for certain:
          // alpha is 1 and no shadow falls, as the full computation would find.
          if (!(mm >= edgeMm)) {
            let sd = -1; // well outside (mm ≤ −edgeMm): certainly ≤ −0.5 px, as the full computation would find
            if (!(mm <= -edgeMm)) {
              if (mmPerPx < 0) {
                // Millimetres per pixel here, from the Jacobian of the frame → plane map.
                const jxx = (m0 - X * m6) / nw, jyx = (m3 - Y * m6) / nw;
                const jxy = (m1 - X * m7) / nw, jyy = (m4 - Y * m7) / nw;
                mmPerPx = Math.sqrt(Math.abs(jxx * jyy - jxy * jyx));
              }
              sd = mm / mmPerPx; // signed distance to the edge, px
            }
            if (sd < 0.5) {
              const su = u - CARD_SHADOW_OFFSET_MM[0], sv = v - CARD_SHADOW_OFFSET_MM[1];
              const sdS = Math.min(su, W - su, sv, H - sv);
              if (sdS > -CARD_SHADOW_MM) {
                const f = 1 - CARD_SHADOW_DEPTH * Math.min(1, 1 + sdS / CARD_SHADOW_MM);
                r *= f; g *= f; b *= f;
              }
            }
            if (sd <= -0.5) continue;
            alpha = sd >= 0.5 ? 1 : sd + 0.5;
          }
          // Bilinear card sample, clamped to the texture.
          const tu = Math.min(Math.max(Math.min(Math.max(u, 0), W) * c.texPerMmU - 0.5, 0), c.tw - 1);
          const tv = Math.min(Math.max(Math.min(Math.max(v, 0), H) * c.texPerMmV - 0.5, 0), c.th - 1);
          const x0 = Math.min(Math.floor(tu), c.lastX0), y0 = Math.min(Math.floor(tv), c.lastY0);
          const ax = tu - x0, ay = tv - y0;
          const d = c.data, i00 = (y0 * c.tw + x0) * 3, i01 = i00 + c.tw * 3;
          let top = d[i00]! + (d[i00 + 3]! - d[i00]!) * ax, bot = d[i01]! + (d[i01 + 3]! - d[i01]!) * ax;
          const cr = Math.fround(top + (bot - top) * ay);
          top = d[i00 + 1]! + (d[i00 + 4]! - d[i00 + 1]!) * ax; bot = d[i01 + 1]! + (d[i01 + 4]! - d[i01 + 1]!) * ax;
          const cg = Math.fround(top + (bot - top) * ay);
          top = d[i00 + 2]! + (d[i00 + 5]! - d[i00 + 2]!) * ax; bot = d[i01 + 2]! + (d[i01 + 5]! - d[i01 + 2]!) * ax;
          const cb = Math.fround(top + (bot - top) * ay);
          r = r * (1 - alpha) + cr * alpha;
          g = g * (1 - alpha) + cg * alpha;
          b = b * (1 - alpha) + cb * alpha;
          // A card on top hides what is below it; the lower card keeps only what shows.
          if (alpha >= coverage[i]! || cardId[i] === 0) { cardId[i] = k + 1; coverage[i] = alpha; }
        }
      }
      rgb[i * 3] = r; rgb[i * 3 + 1] = g; rgb[i * 3 + 2] = b;
    }
  }
  for (const f of fingers) drawFinger(rgb, coverage, width, height, f);
  // Card pixels lie in the cards' boxes: sum over those, in the same pixel order.
  const visibleArea = cards.map(() => 0);
  const bx0 = Math.min(...samplers.map((c) => c.x0)), bx1 = Math.max(...samplers.map((c) => c.x1));
  const by0 = Math.min(...samplers.map((c) => c.y0)), by1 = Math.max(...samplers.map((c) => c.y1));
  for (let y = by0; y <= by1; y++) {
    for (let i = y * width + bx0, end = y * width + bx1; i <= end; i++) if (cardId[i]! > 0) visibleArea[cardId[i]! - 1]! += coverage[i]!;
  }
  return { width, height, rgb, cardId, coverage, visibleArea };
}

/**
 * Millimetres that are certainly more than half a pixel anywhere on a stretch of a row whose ends
 * have homogeneous weights wa and wb: the frame → plane Jacobian's determinant is det(M)/w³, and
 * w is linear along the row, so its smallest |w| bounds the pixel size. The 5 % margin dwarfs the
 * rounding of the per-pixel Jacobian; Infinity (never skip) when w is not positive on the stretch.
 */
function halfPixelMm(detM: number, wa: number, wb: number): number {
  const w = Math.min(wa, wb);
  const mm = 0.5 * 1.05 * Math.sqrt(Math.abs(detM) / (w * w * w));
  return w > 0 && mm > 0 && Number.isFinite(mm) ? mm : Infinity;
}

/** What the pixel loop needs of a card, hoisted: its pixel box, plane → card map, texture and scales. */
interface CardSampler {
  x0: number; y0: number; x1: number; y1: number;
  a0: number; a1: number; a2: number; a3: number; a4: number; a5: number;
  W: number; H: number;
  data: Float32Array; tw: number; th: number; lastX0: number; lastY0: number;
  texPerMmU: number; texPerMmV: number;
}

function cardSampler(c: PlacedCard, cardToFrame: Mat3, fw: number, fh: number): CardSampler {
  const A = invert(c.toPlane), t = c.texture; // plane → card-local (affine)
  const [x0, y0, x1, y1] = frameBox(cardToFrame, t.widthMm, t.heightMm, fw, fh);
  return {
    x0, y0, x1, y1, a0: A[0], a1: A[1], a2: A[2], a3: A[3], a4: A[4], a5: A[5], W: t.widthMm, H: t.heightMm,
    data: t.data, tw: t.width, th: t.height, lastX0: t.width - 2 < 0 ? 0 : t.width - 2, lastY0: t.height - 2 < 0 ? 0 : t.height - 2,
    texPerMmU: t.width / t.widthMm, texPerMmV: t.height / t.heightMm,
  };
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
