/**
 * Crop accuracy of one frame: detections assigned to truth cards one-to-one by the assignment
 * that maximises total IoU (several cards can share a frame), then IoU, corner error, misses and
 * false detections. IoU itself is quad.ts's quadIoU — the one implementation.
 */
import { cornerError, diagonal, quadIoU, type Quad } from './quad.ts';

/** Below this IoU a detection does not count as finding the card (it is a false detection). */
export const MATCH_MIN_IOU = 0.1;
/** Cards less visible than this (mostly out of frame) are not required, but may be matched. */
export const REQUIRED_VISIBLE = 0.5;

export interface TruthCard { quad: Quad; visible: number }
export interface Detected { quad: Quad; score: number }

export interface CropMatch {
  /** truth cards that must be found */
  cards: number;
  /** required cards matched by a detection */
  matched: number;
  /** mean IoU over required cards, a missed card counting 0; null when no card is required */
  iou: number | null;
  /** mean over matched required cards; null when none matched */
  cornerErrPx: number | null;
  cornerErrPct: number | null;
  /** detections assigned to no card */
  falseDetections: number;
  /** per required card: the matched detection's index and IoU (for drawing the worst frames) */
  pairs: { card: number; detection: number | null; iou: number }[];
}

export function matchCrops(detections: readonly Detected[], truth: readonly TruthCard[]): CropMatch {
  const n = truth.length, m = detections.length;
  const iou = truth.map((t) => detections.map((d) => quadIoU(d.quad, t.quad)));
  const assign = bestAssignment(iou, n, m);
  const pairs: CropMatch['pairs'] = [];
  let matched = 0, iouSum = 0, cornerPx = 0, cornerPct = 0, usedDetections = 0;
  for (let c = 0; c < n; c++) {
    const d = assign[c]!;
    const v = d === null ? 0 : iou[c]![d]!;
    const hit = d !== null && v >= MATCH_MIN_IOU;
    if (hit) usedDetections++;
    if (truth[c]!.visible < REQUIRED_VISIBLE) continue;
    pairs.push({ card: c, detection: hit ? d : null, iou: hit ? v : 0 });
    if (!hit) continue;
    matched++;
    iouSum += v;
    const err = cornerError(detections[d]!.quad, truth[c]!.quad);
    cornerPx += err;
    cornerPct += (100 * err) / diagonal(truth[c]!.quad);
  }
  const required = pairs.length;
  return {
    cards: required, matched,
    iou: required ? iouSum / required : null,
    cornerErrPx: matched ? cornerPx / matched : null,
    cornerErrPct: matched ? cornerPct / matched : null,
    falseDetections: m - usedDetections,
    pairs,
  };
}

/**
 * card → detection index (or null) maximising the summed IoU. Exact search over detection subsets
 * (bitmask DP); frames hold a handful of cards, so greedy by IoU beyond 12 detections is enough.
 */
function bestAssignment(iou: number[][], n: number, m: number): (number | null)[] {
  if (n === 0) return [];
  if (m > 12) return greedy(iou, n, m);
  const memo = new Map<number, { score: number; pick: (number | null)[] }>();
  const solve = (c: number, used: number): { score: number; pick: (number | null)[] } => {
    if (c === n) return { score: 0, pick: [] };
    const key = c * 8192 + used;
    const hit = memo.get(key);
    if (hit) return hit;
    const skip = solve(c + 1, used);
    let best = { score: skip.score, pick: [null as number | null, ...skip.pick] };
    for (let d = 0; d < m; d++) {
      if (used & (1 << d) || iou[c]![d]! <= 0) continue;
      const rest = solve(c + 1, used | (1 << d));
      if (rest.score + iou[c]![d]! > best.score) best = { score: rest.score + iou[c]![d]!, pick: [d, ...rest.pick] };
    }
    memo.set(key, best);
    return best;
  };
  return solve(0, 0).pick;
}

function greedy(iou: number[][], n: number, m: number): (number | null)[] {
  const cells: [number, number, number][] = [];
  for (let c = 0; c < n; c++) for (let d = 0; d < m; d++) if (iou[c]![d]! > 0) cells.push([iou[c]![d]!, c, d]);
  cells.sort((a, b) => b[0] - a[0]);
  const out: (number | null)[] = new Array(n).fill(null);
  const usedD = new Set<number>();
  for (const [, c, d] of cells) if (out[c] === null && !usedD.has(d)) { out[c] = d; usedD.add(d); }
  return out;
}
