/**
 * Card designs: a design is drawn as SVG (real fonts: Noto Sans CJK for Korean, DejaVu for Latin),
 * rasterised once by sharp into a flat linear-light texture that the scene renderer warps.
 */
import sharp from 'sharp';
import { Rng } from './rng.ts';
import { escapeMarkup } from '../../harness/src/render/markup.ts';
import { cardText, type CardText } from './card-content.ts';
import { bytesToLinear } from './colour.ts';
import type { CardTexture } from './scene-render.ts';

export const CARD_STYLES = ['white', 'cream', 'dark', 'colour'] as const;
export const CARD_FINISHES = ['matte', 'glossy'] as const;
export const CARD_SCRIPTS = ['latin', 'korean', 'mixed'] as const;
export const CARD_LAYOUTS = ['horizontal', 'vertical'] as const;
export const CARD_SIZES = ['90x50mm', '3.5x2in'] as const;

export interface CardDesign {
  style: (typeof CARD_STYLES)[number];
  finish: (typeof CARD_FINISHES)[number];
  script: (typeof CARD_SCRIPTS)[number];
  layout: (typeof CARD_LAYOUTS)[number];
  size: (typeof CARD_SIZES)[number];
  logo: boolean;
  /** Seed of the printed text and colours. */
  seed: number;
}

/** Width and height in millimetres of a design as it lies (vertical layouts stand up). */
export function cardSizeMm(d: CardDesign): [number, number] {
  const [w, h] = d.size === '90x50mm' ? [90, 50] : [88.9, 50.8];
  return d.layout === 'vertical' ? [h, w] : [w, h];
}

/** A random design (train and `design: random`). */
export function randomDesign(rng: Rng): CardDesign {
  return {
    style: rng.pick(['white', 'white', 'cream', 'dark', 'colour', 'colour'] as const),
    finish: rng.pick(CARD_FINISHES), script: rng.pick(CARD_SCRIPTS),
    layout: rng.chance(0.25) ? 'vertical' : 'horizontal', size: rng.pick(CARD_SIZES),
    logo: rng.chance(0.7), seed: rng.int(0, 2 ** 31 - 1),
  };
}

interface Palette { bg: string; ink: string; soft: string; accent: string }

const COLOUR_BGS: Palette[] = [
  { bg: '#1f3a5f', ink: '#ffffff', soft: '#c9d6e8', accent: '#f2b134' },
  { bg: '#0f6e6e', ink: '#ffffff', soft: '#cde7e3', accent: '#ffd166' },
  { bg: '#7a1f2b', ink: '#fff6ee', soft: '#f0cfc9', accent: '#f4c95d' },
  { bg: '#e8c547', ink: '#1d1d1d', soft: '#4a4a3a', accent: '#2b4162' },
  { bg: '#cfe3f3', ink: '#13294b', soft: '#3d5a80', accent: '#ee6c4d' },
  { bg: '#f4d6cc', ink: '#3b1f2b', soft: '#6d4c5a', accent: '#2a9d8f' },
];
const ACCENTS = ['#d62828', '#1d4ed8', '#0f766e', '#b45309', '#7c3aed', '#be185d', '#111827'];

function palette(d: CardDesign, rng: Rng): Palette {
  const accent = rng.pick(ACCENTS);
  switch (d.style) {
    case 'white': return { bg: rng.pick(['#fbfbf8', '#ffffff', '#f7f8fa']), ink: '#1b1b1b', soft: '#555555', accent };
    case 'cream': return { bg: rng.pick(['#f3ead3', '#efe6cf', '#f6eddc']), ink: '#2b2418', soft: '#5f5445', accent };
    case 'dark': return { bg: rng.pick(['#1d2230', '#111111', '#23262b']), ink: '#f5f5f5', soft: '#b8bcc6', accent: rng.pick(['#f2b134', '#4fd1c5', '#e5e7eb']) };
    case 'colour': return rng.pick(COLOUR_BGS);
  }
}

const fontOf = (s: string) => (/[\u3131-\uD79D]/.test(s) ? "'Noto Sans CJK KR'" : "'DejaVu Sans'");

function text(x: number, y: number, size: number, fill: string, s: string, opts: { bold?: boolean; anchor?: string } = {}): string {
  return `<text x="${x.toFixed(2)}" y="${y.toFixed(2)}" font-size="${size}" font-family="${fontOf(s)}" fill="${fill}"` +
    `${opts.bold ? ' font-weight="bold"' : ''}${opts.anchor ? ` text-anchor="${opts.anchor}"` : ''}>${escapeMarkup(s)}</text>`;
}

function logo(x: number, y: number, size: number, p: Palette, kind: number): string {
  const s = size;
  switch (kind) {
    case 0: return `<circle cx="${x + s / 2}" cy="${y + s / 2}" r="${s / 2}" fill="${p.accent}"/><rect x="${x + s * 0.3}" y="${y + s * 0.3}" width="${s * 0.4}" height="${s * 0.4}" fill="${p.bg}"/>`;
    case 1: return `<polygon points="${x},${y + s} ${x + s / 2},${y} ${x + s},${y + s}" fill="${p.accent}"/>`;
    case 2: return `<rect x="${x}" y="${y}" width="${s}" height="${s}" rx="${s * 0.2}" fill="${p.accent}"/><circle cx="${x + s / 2}" cy="${y + s / 2}" r="${s * 0.22}" fill="${p.bg}"/>`;
    default: return `<path d="M${x} ${y + s} L${x + s * 0.35} ${y} L${x + s * 0.65} ${y + s * 0.6} L${x + s} ${y + s * 0.1}" stroke="${p.accent}" stroke-width="${s * 0.18}" fill="none"/>`;
  }
}

/** The card as SVG in millimetre user units, rendered at `pxPerMm`. */
export function cardSvg(d: CardDesign, pxPerMm: number): string {
  const rng = new Rng(d.seed);
  const [W, H] = cardSizeMm(d);
  const p = palette(d, rng);
  const t: CardText = cardText(rng, d.script);
  const kind = rng.int(0, 3);
  const parts: string[] = [`<rect width="${W}" height="${H}" fill="${p.bg}"/>`];
  if (d.layout === 'horizontal') {
    const variant = rng.int(0, 2);
    if (variant === 0) {
      parts.push(`<rect x="0" y="${H - 3.2}" width="${W}" height="3.2" fill="${p.accent}"/>`);
      if (d.logo) parts.push(logo(6, 6, 8, p, kind), text(17, 12, 3.2, p.ink, t.company, { bold: true }));
      parts.push(text(6, 26, 5, p.ink, t.name, { bold: true }), text(6, 31, 2.7, p.soft, t.title));
      t.lines.slice(0, 3).forEach((l, i) => parts.push(text(W - 6, 28 + i * 4.2 - (t.lines.length > 2 ? 4 : 0), 2.4, p.soft, l, { anchor: 'end' })));
    } else if (variant === 1) {
      parts.push(`<rect x="0" y="0" width="6" height="${H}" fill="${p.accent}"/>`);
      if (d.logo) parts.push(logo(W - 16, 6, 10, p, kind));
      parts.push(text(12, 13, 4.6, p.ink, t.name, { bold: true }), text(12, 18.5, 2.6, p.soft, t.title), text(12, 23, 2.6, p.soft, t.company));
      t.lines.forEach((l, i) => parts.push(text(12, 32 + i * 3.8, 2.3, p.ink, l)));
    } else {
      if (d.logo) parts.push(logo(W / 2 - 5, 5, 10, p, kind));
      parts.push(text(W / 2, 24, 5, p.ink, t.name, { bold: true, anchor: 'middle' }), text(W / 2, 29.5, 2.6, p.soft, t.title, { anchor: 'middle' }));
      parts.push(`<line x1="${W * 0.3}" y1="32.5" x2="${W * 0.7}" y2="32.5" stroke="${p.accent}" stroke-width="0.4"/>`);
      t.lines.slice(0, 3).forEach((l, i) => parts.push(text(W / 2, 37 + i * 3.6, 2.3, p.ink, l, { anchor: 'middle' })));
    }
  } else {
    parts.push(`<rect x="0" y="0" width="${W}" height="4" fill="${p.accent}"/>`);
    if (d.logo) parts.push(logo(W / 2 - 6, 12, 12, p, kind));
    parts.push(text(W / 2, 38, 4.6, p.ink, t.name.split('  ')[0]!, { bold: true, anchor: 'middle' }), text(W / 2, 44, 2.5, p.soft, t.title.split(' / ')[0]!, { anchor: 'middle' }));
    parts.push(text(W / 2, 50, 2.5, p.soft, t.company, { anchor: 'middle' }));
    t.lines.slice(0, 4).forEach((l, i) => parts.push(text(W / 2, 64 + i * 4, 2.1, p.ink, l, { anchor: 'middle' })));
  }
  const pw = Math.round(W * pxPerMm), ph = Math.round(H * pxPerMm);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pw}" height="${ph}" viewBox="0 0 ${W} ${H}">${parts.join('')}</svg>`;
}

/** Rasterise a design into a linear-light texture for the scene renderer. */
export async function cardTexture(d: CardDesign, pxPerMm: number): Promise<CardTexture> {
  const [W, H] = cardSizeMm(d);
  const { data, info } = await sharp(Buffer.from(cardSvg(d, pxPerMm))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: bytesToLinear(data, info.channels), widthMm: W, heightMm: H, gloss: d.finish === 'glossy' ? 1 : 0.2 };
}

/** A plain white card: used by the truth-vs-pixels test as a mask. */
export function maskTexture(widthMm: number, heightMm: number): CardTexture {
  const data = new Float32Array(4 * 3).fill(1);
  return { width: 2, height: 2, data, widthMm, heightMm, gloss: 0 };
}
