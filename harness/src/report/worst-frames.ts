/**
 * The worst frames of a run (lowest crop IoU on card frames, plus false detections on negatives),
 * each rendered with sharp as a small JPEG with the true quad (green) and detected quads (red)
 * drawn — embedded as data URIs so the HTML report needs nothing else.
 */
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import type { RunExport } from '../store/run-export.ts';
import type { MeasurementRow } from '../store/rows.ts';
import { cacheDir, framePath } from '../../../scenarios/generator/cache.ts';

export const WORST_FRAMES = 12;
const THUMB_WIDTH = 480;

export interface WorstFrame { row: MeasurementRow; dataUri: string | null; truth: number[][][]; detected: number[][][] }

export async function worstFrames(exp: RunExport, n = WORST_FRAMES): Promise<WorstFrame[]> {
  const truthOf = new Map(exp.scenario_frames.map((f) => [`${f.scenario_id}\u0000${f.frame_index}`, f]));
  // One figure per frame: the same frame failing on every device is one finding, not three.
  const seen = new Set<string>();
  const candidates = exp.measurements
    .filter((m) => !m.dropped && !m.error && (m.cards > 0 || m.false_detections > 0))
    .sort((a, b) => badness(b) - badness(a) || a.scenario_id.localeCompare(b.scenario_id) || a.frame_index - b.frame_index || a.serial.localeCompare(b.serial))
    .filter((m) => { const k = `${m.scenario_id}\u0000${m.frame_index}`; if (seen.has(k)) return false; seen.add(k); return true; })
    .slice(0, n);
  const out: WorstFrame[] = [];
  for (const row of candidates) {
    const t = truthOf.get(`${row.scenario_id}\u0000${row.frame_index}`);
    const truth = t ? (JSON.parse(t.cards_json) as { quad: number[][] }[]).map((c) => c.quad) : [];
    const detected = (JSON.parse(row.detections_json ?? '[]') as { quad: number[][] }[]).map((d) => d.quad);
    const path = t ? framePath(cacheDir(), t.sha256) : null;
    const dataUri = path && existsSync(path) ? await drawQuads(path, t!.width, t!.height, truth, detected).catch(() => null) : null;
    out.push({ row, dataUri, truth, detected });
  }
  return out;
}

/** Card frames by 1 − IoU; a false detection on a negative frame counts as fully wrong. */
function badness(m: MeasurementRow): number {
  return m.cards > 0 ? 1 - (m.iou ?? 0) + 0.01 * m.false_detections : m.false_detections > 0 ? 1 : 0;
}

async function drawQuads(path: string, width: number, height: number, truth: number[][][], detected: number[][][]): Promise<string> {
  // Resize first, then draw in frame-pixel coordinates through the SVG viewBox, so lines stay crisp.
  const base = await sharp(path).resize({ width: THUMB_WIDTH }).toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = base.info;
  const stroke = (2 * width) / w;
  const poly = (q: number[][], colour: string, dash: string) =>
    `<polygon points="${q.map(([x, y]) => `${x},${y}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="${stroke}" ${dash}/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${width} ${height}">` +
    truth.map((q) => poly(q, '#00d000', '')).join('') + detected.map((q) => poly(q, '#ff2020', `stroke-dasharray="${stroke * 4}"`)).join('') + '</svg>';
  const jpeg = await sharp(base.data).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).jpeg({ quality: 70 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
