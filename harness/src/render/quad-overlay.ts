/**
 * The worst-frame overlay, drawn the same way in report.html and on the run page: true card quads
 * in green, detected quads in red and dashed, as an SVG layer in frame-pixel coordinates.
 */
export const TRUTH_COLOUR = '#22c55e';
export const DETECTED_COLOUR = '#ef4444';

export type Point = [number, number];

function polygon(quad: readonly (readonly number[])[], colour: string, stroke: number, dashed: boolean): string {
  const pts = quad.map(([x, y]) => `${x!.toFixed(1)},${y!.toFixed(1)}`).join(' ');
  return `<polygon points="${pts}" fill="none" stroke="${colour}" stroke-width="${stroke}"${dashed ? ` stroke-dasharray="${stroke * 3},${stroke * 2}"` : ''}/>`;
}

export interface QuadOverlay {
  /** the frame's size: quads are in its pixels */
  width: number; height: number;
  /** the size the SVG is rendered at (default: the frame's) */
  outWidth?: number; outHeight?: number;
  stroke: number;
  truth: readonly (readonly number[])[][];
  detected: readonly (readonly number[])[][];
  /** extra SVG drawn on top (already escaped) */
  extra?: string;
}

/** The overlay as SVG text, ready for sharp's composite. */
export function quadOverlaySvg(o: QuadOverlay): string {
  const shapes = [...o.truth.map((q) => polygon(q, TRUTH_COLOUR, o.stroke, false)),
    ...o.detected.map((q) => polygon(q, DETECTED_COLOUR, o.stroke, true)), o.extra ?? ''].join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${o.outWidth ?? o.width}" height="${o.outHeight ?? o.height}" viewBox="0 0 ${o.width} ${o.height}">${shapes}</svg>`;
}

const isQuad = (q: unknown): q is Point[] => Array.isArray(q) && q.length === 4
  && q.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v)));

/** The well-formed quads of a list of `{quad}` (stored rows are drawn as far as they make sense, never thrown on). */
export function quadsOf(list: unknown): Point[][] {
  return Array.isArray(list) ? list.map((d) => (d !== null && typeof d === 'object' ? (d as { quad?: unknown }).quad : null)).filter(isQuad) : [];
}

/** The quads of a stored JSON column (cards_json, detections_json); none when it is absent or not JSON. */
export function quadsOfJson(json: string | null | undefined): Point[][] {
  if (!json) return [];
  try { return quadsOf(JSON.parse(json)); } catch { return []; }
}
