/**
 * The worst frames of a run (the rule in worst-frame-choice.ts, shared with the run page), one per
 * frame across devices, each rendered with sharp as a small JPEG with the overlay the server draws
 * too (render/quad-overlay.ts) — embedded as data URIs so the HTML report needs nothing else.
 */
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import type { RunExport } from '../store/run-export.ts';
import type { MeasurementRow } from '../store/rows.ts';
import { cacheDir, framePath } from '../../../scenarios/generator/cache.ts';
import { quadOverlaySvg, quadsOfJson, type Point } from '../render/quad-overlay.ts';
import { isWorstFrameCandidate, worseFirst } from './worst-frame-choice.ts';

export const WORST_FRAMES = 12;
const THUMB_WIDTH = 480;

export interface WorstFrame { row: MeasurementRow; dataUri: string | null; truth: Point[][]; detected: Point[][] }

export async function worstFrames(exp: RunExport, n = WORST_FRAMES): Promise<WorstFrame[]> {
  const truthOf = new Map(exp.scenario_frames.map((f) => [`${f.scenario_id}\u0000${f.frame_index}`, f]));
  // One figure per frame: the same frame failing on every device is one finding, not three.
  const seen = new Set<string>();
  const candidates = exp.measurements
    .filter(isWorstFrameCandidate)
    .sort(worseFirst)
    .filter((m) => { const k = `${m.scenario_id}\u0000${m.frame_index}`; if (seen.has(k)) return false; seen.add(k); return true; })
    .slice(0, n);
  const out: WorstFrame[] = [];
  for (const row of candidates) {
    const t = truthOf.get(`${row.scenario_id}\u0000${row.frame_index}`);
    const truth = quadsOfJson(t?.cards_json);
    const detected = quadsOfJson(row.detections_json);
    const path = t ? framePath(cacheDir(), t.sha256) : null;
    const dataUri = path && existsSync(path) ? await drawQuads(path, t!.width, t!.height, truth, detected).catch(() => null) : null;
    out.push({ row, dataUri, truth, detected });
  }
  return out;
}

async function drawQuads(path: string, width: number, height: number, truth: Point[][], detected: Point[][]): Promise<string> {
  // Resize first, then draw in frame-pixel coordinates through the SVG viewBox, so lines stay crisp.
  const base = await sharp(path).resize({ width: THUMB_WIDTH }).toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = base.info;
  const stroke = (2 * width) / w;
  const svg = quadOverlaySvg({ width, height, outWidth: w, outHeight: h, stroke, truth, detected });
  const jpeg = await sharp(base.data).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).jpeg({ quality: 70 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
