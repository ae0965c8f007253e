/**
 * Scene light: what reaches the lens. Multiplies the albedo by the illuminant (colour temperature,
 * tint, a warm/cool mix, a hard shadow, vignetting) and adds light that is not reflected diffusely
 * (a specular highlight on the card, a bright window behind, flare haze).
 */
import { blackBody } from './colour.ts';
import { apply, type Mat3 } from './homography.ts';
import type { LightingParams } from './conditions.ts';
import type { SceneRaster } from './scene-render.ts';

export interface CardOnFrame {
  /** Card-local mm → frame px. */
  toFrame: Mat3;
  widthMm: number;
  heightMm: number;
  gloss: number;
}

const luminance = (c: [number, number, number]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];

/** The light's colour at unit luminance: what white balance has to undo. */
export function illuminant(kelvin: number, tint: number): [number, number, number] {
  const c = blackBody(kelvin);
  const t: [number, number, number] = [c[0] * (1 - tint / 2), c[1] * (1 + tint), c[2] * (1 - tint / 2)];
  const y = luminance(t);
  return [t[0] / y, t[1] / y, t[2] / y];
}

/** The average illuminant over the frame, which auto white balance estimates. */
export function meanIlluminant(p: LightingParams): [number, number, number] {
  const a = illuminant(p.cct, p.tint);
  if (!p.mix_cct) return a;
  const b = illuminant(p.mix_cct, p.tint);
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
}

/** Applies scene light in place on the scene raster's linear RGB. */
export function applySceneLight(s: SceneRaster, p: LightingParams, cards: CardOnFrame[]): void {
  const { width: w, height: h, rgb, cardId, coverage } = s;
  const A = illuminant(p.cct, p.tint), B = p.mix_cct ? illuminant(p.mix_cct, p.tint) : A;
  const mixRad = (p.mix_angle * Math.PI) / 180, mdx = Math.cos(mixRad), mdy = Math.sin(mixRad);
  const half = 0.5 * (Math.abs(mdx) * w + Math.abs(mdy) * h);
  const cx = w / 2, cy = h / 2, rmax2 = cx * cx + cy * cy;
  const main = cards[0];
  // Shadow edge: a line at shadow_angle through the card, shifted by shadow_offset card widths.
  const centre = main ? apply(main.toFrame, main.widthMm / 2, main.heightMm / 2) : ([cx, cy] as const);
  const cardW = main ? Math.hypot(...sub(apply(main.toFrame, main.widthMm, 0), apply(main.toFrame, 0, 0))) : w / 3;
  const shRad = (p.shadow_angle * Math.PI) / 180, nx = -Math.sin(shRad), ny = Math.cos(shRad);
  const shC = nx * centre[0] + ny * centre[1] + p.shadow_offset * cardW;
  const soft = Math.max(0.5, p.shadow_soft);
  // Specular highlight: a Gaussian lobe on the main card.
  const g = main ? apply(main.toFrame, p.glare_x * main.widthMm, p.glare_y * main.heightMm) : ([0, 0] as const);
  const sig = Math.max(1, p.glare_radius * cardW), inv2s2 = 1 / (2 * sig * sig);
  const glarePeak = main ? p.glare * main.gloss : 0;
  // Backlight: a bright window on the side of the frame at backlight_angle.
  const bRad = (p.backlight_angle * Math.PI) / 180, bdx = Math.cos(bRad), bdy = Math.sin(bRad);
  const bHalf = 0.5 * (Math.abs(bdx) * w + Math.abs(bdy) * h);
  const haze = p.flare * p.backlight;
  const mix = !!p.mix_cct, shadow = p.shadow, vignette = p.vignette, light = p.light, backlight = p.backlight;
  const glareReach2 = 12 * sig * sig;
  // Every term below is a column part plus a row part; each part is computed once (same operands,
  // same operations, so the same doubles) instead of once per pixel.
  const colMix = new Float64Array(w), colShadow = new Float64Array(w), colVig = new Float64Array(w);
  const colGlare = new Float64Array(w), colBack = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const px = x + 0.5;
    colMix[x] = (px - cx) * mdx; colShadow[x] = nx * px; colVig[x] = (px - cx) ** 2;
    colGlare[x] = (px - g[0]) ** 2; colBack[x] = (px - cx) * bdx;
  }
  for (let y = 0; y < h; y++) {
    const py = y + 0.5;
    const rowMix = (py - cy) * mdy, rowShadow = ny * py, rowVig = (py - cy) ** 2, rowGlare = (py - g[1]) ** 2, rowBack = (py - cy) * bdy;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      let L0 = A[0], L1 = A[1], L2 = A[2];
      if (mix) {
        const t = Math.min(1, Math.max(0, 0.5 + ((colMix[x]! + rowMix) / half) * 0.8));
        L0 += (B[0] - A[0]) * t; L1 += (B[1] - A[1]) * t; L2 += (B[2] - A[2]) * t;
      }
      let f = light;
      if (shadow > 0) {
        const d = (colShadow[x]! + rowShadow - shC) / soft;
        f *= 1 - shadow * Math.min(1, Math.max(0, 0.5 + d));
      }
      if (vignette > 0) {
        const r2 = (colVig[x]! + rowVig) / rmax2;
        f *= 1 - vignette * r2;
      }
      let add = haze;
      if (glarePeak > 0 && cardId[i] === 1) {
        const d2 = colGlare[x]! + rowGlare;
        if (d2 < glareReach2) add += glarePeak * Math.exp(-d2 * inv2s2) * coverage[i]!;
      }
      if (backlight > 0) {
        const t = (colBack[x]! + rowBack) / bHalf; // −1 … 1 towards the window
        const win = Math.min(1, Math.max(0, (t - 0.35) * 4));
        if (win > 0) add += backlight * win * (cardId[i] ? 1 - coverage[i]! : 1);
      }
      rgb[i * 3] = rgb[i * 3]! * L0 * f + add * L0;
      rgb[i * 3 + 1] = rgb[i * 3 + 1]! * L1 * f + add * L1;
      rgb[i * 3 + 2] = rgb[i * 3 + 2]! * L2 * f + add * L2;
    }
  }
}

function sub(a: readonly [number, number], b: readonly [number, number]): [number, number] {
  return [a[0] - b[0], a[1] - b[1]];
}
