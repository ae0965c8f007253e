/**
 * Test frames with exactly known card quads: a light card polygon on a dark textured background,
 * JPEG-encoded like the scenario generator's frames. They exercise the twin end to end with any
 * model that finds a light card on a dark background (the placeholder does; the trained model too).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Quad } from '../../../harness/src/metrics/quad.ts';

export interface SyntheticFrame { index: number; path: string; sha256: string; quad: Quad | null }

export const FRAME_W = 1280, FRAME_H = 720;

/** `count` frames; every third is a negative (no card). Quads vary in position, rotation and tilt. */
export async function writeSyntheticFrames(dir: string, count: number): Promise<SyntheticFrame[]> {
  const out: SyntheticFrame[] = [];
  for (let i = 0; i < count; i++) {
    const negative = i % 3 === 2;
    const cx = 420 + (i * 97) % 440, cy = 300 + (i * 53) % 140, a = ((i * 17) % 50 - 25) * Math.PI / 180;
    const hw = 260 - (i % 4) * 20, hh = hw * 0.58, tilt = (i % 5) * 12;
    const local: [number, number][] = [[-hw + tilt, -hh], [hw - tilt, -hh], [hw, hh], [-hw, hh]];
    const quad = local.map(([x, y]) => [cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a)] as const) as unknown as Quad;
    const card = negative ? '' : `<polygon points="${quad.map((p) => p.join(',')).join(' ')}" fill="#f2f0ea"/><rect x="${cx - 60}" y="${cy - 12}" width="120" height="24" fill="#9a9890" transform="rotate(${a * 180 / Math.PI} ${cx} ${cy})"/>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME_W}" height="${FRAME_H}"><defs><pattern id="w" width="40" height="40" patternUnits="userSpaceOnUse"><rect width="40" height="40" fill="#4a3b2a"/><rect width="40" height="6" fill="#3e3122"/></pattern></defs><rect width="${FRAME_W}" height="${FRAME_H}" fill="url(#w)"/>${card}</svg>`;
    const jpg = await sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toBuffer();
    const sha256 = createHash('sha256').update(jpg).digest('hex');
    const path = join(dir, `${sha256}.jpg`);
    writeFileSync(path, jpg);
    out.push({ index: i, path, sha256, quad: negative ? null : quad });
  }
  return out;
}
