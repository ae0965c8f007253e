/**
 * Desk backgrounds, drawn procedurally onto the plane in millimetres: wood, white paper, dark cloth,
 * patterned cloth, and clutter (other papers, a pen, a phone, a mug, sticky notes).
 */
import sharp from 'sharp';
import { Rng } from './rng.ts';
import { hexToLinear, SRGB_TO_LINEAR } from './colour.ts';
import type { PlaneTexture } from './scene-render.ts';

export const BACKGROUNDS = ['wood', 'white_paper', 'dark_cloth', 'patterned_cloth', 'clutter'] as const;
export type Background = (typeof BACKGROUNDS)[number] | 'black';

export interface PlaneExtent {
  originMm: [number, number];
  widthPx: number;
  heightPx: number;
  pxPerMm: number;
}

/** Smooth value noise in [0, 1) with `cellPx` grid spacing. */
function valueNoise(w: number, h: number, cellPx: number, rng: Rng): Float32Array {
  const gw = Math.ceil(w / cellPx) + 2, gh = Math.ceil(h / cellPx) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next();
  const out = new Float32Array(w * h);
  const inv = 1 / cellPx;
  // A column's cell and smoothstep weight are the same on every row: computed once per column.
  const cellX = new Int32Array(w), weightX = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const gx = x * inv, x0 = Math.floor(gx);
    const tx = gx - x0;
    cellX[x] = x0; weightX[x] = tx * tx * (3 - 2 * tx);
  }
  for (let y = 0; y < h; y++) {
    const gy = y * inv, y0 = Math.floor(gy);
    let ty = gy - y0; ty = ty * ty * (3 - 2 * ty);
    const r0 = y0 * gw, r1 = r0 + gw;
    for (let x = 0; x < w; x++) {
      const x0 = cellX[x]!, tx = weightX[x]!;
      const a = grid[r0 + x0]! + (grid[r0 + x0 + 1]! - grid[r0 + x0]!) * tx;
      const b = grid[r1 + x0]! + (grid[r1 + x0 + 1]! - grid[r1 + x0]!) * tx;
      out[y * w + x] = a + (b - a) * ty;
    }
  }
  return out;
}

function fbm(w: number, h: number, cellPx: number, octaves: number, rng: Rng): Float32Array {
  const out = new Float32Array(w * h);
  let amp = 0.5, total = 0;
  for (let o = 0; o < octaves; o++, amp *= 0.5, cellPx = Math.max(1, cellPx / 2)) {
    const n = valueNoise(w, h, cellPx, rng);
    for (let i = 0; i < n.length; i++) out[i]! += n[i]! * amp;
    total += amp;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

type RGB = [number, number, number];

/**
 * Fills a texture row by row: `row` sets, for each x of row y, a blend t between colours a and b
 * and a brightness factor f (so each kind computes what is constant along a row once per row).
 */
function fill(w: number, h: number, a: RGB, b: RGB, row: (y: number, t: Float64Array, f: Float64Array) => void): Float32Array {
  const data = new Float32Array(w * h * 3);
  const t = new Float64Array(w), f = new Float64Array(w);
  for (let y = 0, i = 0; y < h; y++) {
    row(y, t, f);
    for (let x = 0; x < w; x++, i++) {
      data[i * 3] = (a[0] + (b[0] - a[0]) * t[x]!) * f[x]!;
      data[i * 3 + 1] = (a[1] + (b[1] - a[1]) * t[x]!) * f[x]!;
      data[i * 3 + 2] = (a[2] + (b[2] - a[2]) * t[x]!) * f[x]!;
    }
  }
  return data;
}

function wood(e: PlaneExtent, rng: Rng): Float32Array {
  const { widthPx: w, heightPx: h, pxPerMm: s } = e;
  const light = hexToLinear(rng.pick(['#c8955c', '#b07845', '#d9b27c', '#8a5a36', '#a0683c']));
  const dark = light.map((v) => v * rng.range(0.45, 0.65)) as RGB;
  // Grain runs along x: a gentle large-scale waviness, fine streaks, and planks of slightly different tone.
  const warp = fbm(w, h, 80 * s, 2, rng);
  const streak = valueNoise(w, h, Math.max(1, 0.8 * s), rng);
  const plank = rng.range(90, 160) * s, freq = rng.range(0.6, 1.2) / s;
  const tones = Array.from({ length: 64 }, () => rng.range(0.85, 1.12));
  return fill(w, h, light, dark, (y, t, f) => {
    const p = Math.floor(y / plank);
    const tone = ((y % plank) < 0.6 * s ? 0.35 : 1) * tones[p & 63]!; // plank gap and tone
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const grain = 0.5 + 0.5 * Math.sin((y + warp[i]! * 6 * s + x * 0.015) * freq + p * 7.3);
      t[x] = grain * grain * 0.55 + streak[((i / w) | 0) * w + ((x * 0.05) | 0)]! * 0.45;
      f[x] = tone;
    }
  });
}

function whitePaper(e: PlaneExtent, rng: Rng): Float32Array {
  const { widthPx: w, heightPx: h, pxPerMm: s } = e;
  const base = rng.range(0.72, 0.86);
  const tint: RGB = [1, rng.range(0.98, 1.0), rng.range(0.94, 1.0)];
  const shade = fbm(w, h, 120 * s, 2, rng), fibre = valueNoise(w, h, Math.max(1, 0.4 * s), rng);
  // A second sheet overlaps the first: its edge is a faint line, as on a real desk of papers.
  const ex = rng.range(0.2, 0.8) * w, ang = rng.range(-0.3, 0.3);
  return fill(w, h, tint, tint, (y, t, f) => {
    const slant = (y - h / 2) * ang;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const d = (x - ex) - slant;
      const edge = Math.abs(d) < 0.5 * s ? 0.82 : d > 0 ? 1.02 : 1;
      t[x] = 0;
      f[x] = base * (0.93 + 0.07 * shade[i]!) * (0.985 + 0.03 * fibre[i]!) * edge;
    }
  });
}

function darkCloth(e: PlaneExtent, rng: Rng): Float32Array {
  const { widthPx: w, heightPx: h, pxPerMm: s } = e;
  const base = hexToLinear(rng.pick(['#22252b', '#1b2233', '#2a1f1f', '#1f2a22', '#303030']));
  const folds = fbm(w, h, 80 * s, 3, rng), fuzz = valueNoise(w, h, Math.max(1, 0.5 * s), rng);
  const weave = (2 * Math.PI) / Math.max(2, 1.2 * s);
  const weaveX = Float64Array.from({ length: w }, (_, x) => 0.15 * Math.sin(x * weave)); // the same on every row
  return fill(w, h, base, base, (y, t, f) => {
    const weaveY = Math.sin(y * weave);
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const wv = 0.85 + weaveX[x]! * weaveY;
      t[x] = 0;
      f[x] = (0.55 + 0.9 * folds[i]!) * wv * (0.9 + 0.2 * fuzz[i]!);
    }
  });
}

function patternedCloth(e: PlaneExtent, rng: Rng): Float32Array {
  const { widthPx: w, heightPx: h, pxPerMm: s } = e;
  const a = hexToLinear(rng.pick(['#c0392b', '#2e86c1', '#27ae60', '#8e44ad', '#d35400', '#34495e']));
  const b = hexToLinear(rng.pick(['#f4f1e8', '#fdebd0', '#e8f6f3', '#f5eef8']));
  const kind = rng.int(0, 2), period = rng.range(8, 22) * s;
  const folds = fbm(w, h, 90 * s, 2, rng);
  return fill(w, h, b, a, (y, t, f) => {
    for (let x = 0, i = y * w; x < w; x++, i++) {
      if (kind === 0) t[x] = ((Math.floor(x / period) + Math.floor(y / period)) & 1) ? 0.85 : ((Math.floor(x / period) & 1) ? 0.45 : 0.1); // gingham
      else if (kind === 1) { const dx = (x % period) - period / 2, dy = (y % period) - period / 2; t[x] = dx * dx + dy * dy < (period * 0.25) ** 2 ? 1 : 0; } // dots
      else t[x] = (Math.floor((x + y) / (period * 0.7)) & 1) ? 1 : 0; // diagonal stripes
      f[x] = 0.7 + 0.5 * folds[i]!;
    }
  });
}

/** Objects on a desk, as SVG in millimetres over the plane extent. */
function clutterSvg(e: PlaneExtent, rng: Rng): string {
  const Wmm = e.widthPx / e.pxPerMm, Hmm = e.heightPx / e.pxPerMm;
  const [ox, oy] = e.originMm;
  const items: string[] = [];
  const count = Math.round((Wmm * Hmm) / 9000) + 4;
  for (let k = 0; k < count; k++) {
    const x = rng.range(0, Wmm), y = rng.range(0, Hmm), rot = rng.range(-40, 40);
    const kind = rng.pick(['sheet', 'sheet', 'note', 'receipt', 'pen', 'phone', 'mug', 'keys'] as const);
    const g = (inner: string) => items.push(`<g transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${rot.toFixed(1)})">${inner}</g>`);
    const lines = (w: number, h: number, step: number, ink: string) => {
      let out = '';
      for (let ly = 8; ly < h - 6; ly += step) out += `<rect x="6" y="${ly}" width="${(w - 12) * rng.range(0.4, 1)}" height="${step * 0.3}" fill="${ink}" opacity="0.55"/>`;
      return out;
    };
    switch (kind) {
      case 'sheet': g(`<rect width="210" height="297" fill="${rng.pick(['#f4f4f0', '#eef2f7', '#fbf7ea'])}"/>${lines(210, 297, 7, '#555')}`); break;
      case 'note': g(`<rect width="76" height="76" fill="${rng.pick(['#fff176', '#f8bbd0', '#b2ebf2', '#c5e1a5'])}"/>${lines(76, 76, 9, '#333')}`); break;
      case 'receipt': g(`<rect width="70" height="160" fill="#f7f7f2"/>${lines(70, 160, 5, '#444')}`); break;
      case 'pen': g(`<rect width="140" height="9" rx="4" fill="${rng.pick(['#1e3a8a', '#111', '#b91c1c', '#e5e7eb'])}"/><rect x="120" width="20" height="9" rx="3" fill="#9ca3af"/>`); break;
      case 'phone': g(`<rect width="72" height="150" rx="9" fill="#111318"/><rect x="4" y="8" width="64" height="134" rx="4" fill="#1f2937"/>`); break;
      case 'mug': g(`<circle r="42" fill="${rng.pick(['#f5f5f5', '#2563eb', '#dc2626', '#374151'])}"/><circle r="35" fill="#3b2416"/>`); break;
      case 'keys': g(`<circle r="14" fill="none" stroke="#a8a29e" stroke-width="3"/><rect x="10" y="-4" width="55" height="8" rx="2" fill="#d6d3d1"/>`); break;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${e.widthPx}" height="${e.heightPx}" viewBox="${ox} ${oy} ${Wmm} ${Hmm}">` +
    `<g transform="translate(${ox} ${oy})">${items.join('')}</g></svg>`;
}

/** The desk texture for a background kind, deterministic in `seed`. */
export async function planeTexture(kind: Background, seed: number, e: PlaneExtent): Promise<PlaneTexture | null> {
  if (kind === 'black') return null;
  const rng = new Rng(seed);
  const w = e.widthPx, h = e.heightPx;
  let data: Float32Array;
  switch (kind) {
    case 'wood': data = wood(e, rng); break;
    case 'white_paper': data = whitePaper(e, rng); break;
    case 'dark_cloth': data = darkCloth(e, rng); break;
    case 'patterned_cloth': data = patternedCloth(e, rng); break;
    case 'clutter': {
      data = rng.chance(0.5) ? wood(e, rng) : darkCloth(e, rng);
      const over = await sharp(Buffer.from(clutterSvg(e, rng))).ensureAlpha().raw().toBuffer();
      for (let i = 0; i < w * h; i++) {
        const a = over[i * 4 + 3]! / 255;
        if (a === 0) continue;
        for (let c = 0; c < 3; c++) data[i * 3 + c] = data[i * 3 + c]! * (1 - a) + SRGB_TO_LINEAR[over[i * 4 + c]!]! * a;
      }
      break;
    }
  }
  return { width: w, height: h, data, originMm: e.originMm, pxPerMm: e.pxPerMm };
}
