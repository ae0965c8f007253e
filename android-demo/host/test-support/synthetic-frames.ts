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
/** focal length in pixels of the camera the synthetic frames are seen by */
const FOCAL = 1000;

/** `count` frames; every third is a negative (no card). Quads vary in position, rotation and tilt. */
export async function writeSyntheticFrames(dir: string, count: number): Promise<SyntheticFrame[]> {
  const out: SyntheticFrame[] = [];
  for (let i = 0; i < count; i++) {
    const negative = i % 3 === 2;
    const cx = 420 + (i * 97) % 440, cy = 300 + (i * 53) % 140, a = ((i * 17) % 50 - 25) * Math.PI / 180;
    const hw = 260 - (i % 4) * 20, hh = hw * 0.58, tilt = (i % 5) * 8 * Math.PI / 180;
    // A real camera image of the card: rolled by a in its plane, tilted away about the horizontal
    // axis, seen by a pinhole camera centred on the frame (so crops can recover its true shape).
    const local: [number, number][] = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]];
    const quad = local.map(([x0, y0]) => {
      const x = x0 * Math.cos(a) - y0 * Math.sin(a), y = x0 * Math.sin(a) + y0 * Math.cos(a);
      const z = FOCAL + y * Math.sin(tilt);
      return [FRAME_W / 2 + FOCAL * (x + cx - FRAME_W / 2) / z, FRAME_H / 2 + FOCAL * (y * Math.cos(tilt) + cy - FRAME_H / 2) / z] as const;
    }) as unknown as Quad;
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
