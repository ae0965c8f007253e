/**
 * Draws a measured frame with its true quads (green) and detected quads (red, dashed) using sharp
 * and the overlay report.html uses (harness/src/render/quad-overlay.ts),
 * for the run page's worst frames. When the frame image is not on this host (a run uploaded from
 * another farm host), the quads are drawn on a grey canvas of the frame's size and say so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FrameTruth } from './queries/frames.ts';
import { FRAME_SIZE_MAX } from '../../harness/src/store/limits.ts';
import { quadOverlaySvg, quadsOf, quadsOfJson } from '../../harness/src/render/quad-overlay.ts';

const OUTPUT_WIDTH = 640;
sharp.concurrency(2);

/** A canvas side sharp can draw: the stored size when it is one a frame can have, else a 720p frame's. */
const side = (v: number, fallback: number) => (Number.isInteger(v) && v >= 1 && v <= FRAME_SIZE_MAX ? v : fallback);

/** JPEG bytes of the frame with truth and detections drawn, scaled to 640 px wide. */
export async function renderFrameOverlay(truth: FrameTruth, scenarioCacheDir: string): Promise<Buffer> {
  const width = side(truth.width, 1280), height = side(truth.height, 720);
  const file = truth.sha256 && /^[0-9a-f]{64}$/.test(truth.sha256) ? join(scenarioCacheDir, 'frames', `${truth.sha256}.jpg`) : null;
  const haveImage = file !== null && existsSync(file);
  // Thick enough to survive the halving to 640 px wide.
  const stroke = Math.max(3, Math.round(width / 210));
  const svg = Buffer.from(quadOverlaySvg({ width, height, stroke, truth: quadsOf(truth.cards),
    detected: quadsOfJson(truth.measurement.detections_json),
    extra: haveImage ? '' : `<text x="${stroke * 6}" y="${stroke * 16}" font-family="DejaVu Sans" font-size="${stroke * 10}" fill="#ddd">frame image not on this host</text>` }));
  const base = haveImage
    ? sharp(file!).resize(width, height, { fit: 'fill' })
    : sharp({ create: { width, height, channels: 3, background: '#3a3a3a' } });
  const composed = await base.composite([{ input: svg, top: 0, left: 0 }]).png().toBuffer();
  return sharp(composed).resize({ width: Math.min(OUTPUT_WIDTH, width) }).jpeg({ quality: 85, chromaSubsampling: '4:4:4' }).toBuffer();
}
