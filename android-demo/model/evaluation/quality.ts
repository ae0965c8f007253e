/**
 * Crop quality of one model on evaluation frames, per lighting condition: median crop IoU over
 * card frames, detection rate over required cards, false-detection rate over negative frames,
 * and mean inference latency. Matching and IoU are the harness's (crop-match.ts / quad.ts).
 */
import { matchCrops } from '../../../harness/src/metrics/crop-match.ts';
import type { Quad } from '../../../harness/src/metrics/quad.ts';
import { inputOf, type EvalFrame } from './eval-frames.ts';
import { postprocess, type ModelRunner, type PostprocessOverrides } from './model-runner.ts';

export interface ConditionQuality {
  condition: string;
  /** set on per-scenario rows: where in a condition a model misses */
  scenario?: string;
  cardFrames: number;
  negativeFrames: number;
  iouMedian: number | null;
  detectionRate: number | null;
  falseDetectionRate: number | null;
  /** detections matching no card, per card frame (duplicates, outlines of other things) */
  extraPerCardFrame: number | null;
  /** matched cards whose first corner is the card's own top-left (best cyclic alignment is no shift) */
  cornerOrderAgreement: number | null;
}

export interface QualityReport {
  rows: ConditionQuality[];
  /** the same figures per scenario (a scenario's condition is its first frame's) */
  scenarios: ConditionQuality[];
  all: ConditionQuality;
  meanInferMs: number;
}

export const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Eval frame ids are `<scenario>#<frame>`. */
const scenarioOf = (frameId: string): string => frameId.slice(0, frameId.lastIndexOf('#'));

interface Acc { ious: number[]; cards: number; matched: number; negatives: number; negativesWithDetection: number; extra: number; ordered: number }
const emptyAcc = (): Acc => ({ ious: [], cards: 0, matched: 0, negatives: 0, negativesWithDetection: 0, extra: 0, ordered: 0 });

/**
 * The cyclic shift k that best aligns a detected quad with the truth quad: detected corner i nearest truth
 * corner (i + k) % 4, summed over the corners. The detection starts at the card's corner k; 0 means at the
 * card's own top-left.
 */
export function cornerShift(detected: Quad, truth: Quad): number {
  let best = 0, bestD = Infinity;
  for (let k = 0; k < 4; k++) {
    let d = 0;
    for (let i = 0; i < 4; i++) d += Math.hypot(detected[i]![0] - truth[(i + k) % 4]![0], detected[i]![1] - truth[(i + k) % 4]![1]);
    if (d < bestD) { bestD = d; best = k; }
  }
  return best;
}

export async function measureQuality(runner: ModelRunner, frames: readonly EvalFrame[], params: PostprocessOverrides = {}): Promise<QualityReport> {
  const byCondition = new Map<string, Acc>();
  const byScenario = new Map<string, Acc & { condition: string }>();
  const all = emptyAcc();
  let ms = 0;
  for (const f of frames) {
    const r = await runner.run(inputOf(f));
    ms += r.ms;
    const detections = postprocess(r.outputs, f.width, f.height, params);
    const acc = byCondition.get(f.condition) ?? emptyAcc();
    byCondition.set(f.condition, acc);
    const scenario = scenarioOf(f.id);
    const sAcc = byScenario.get(scenario) ?? { ...emptyAcc(), condition: f.condition };
    byScenario.set(scenario, sAcc);
    for (const a of [acc, sAcc, all]) {
      if (f.negative) {
        a.negatives++;
        if (detections.length > 0) a.negativesWithDetection++;
        continue;
      }
      const m = matchCrops(detections, f.cards);
      if (m.iou === null) continue; // no card required (mostly out of frame)
      a.ious.push(m.iou);
      a.cards += m.cards;
      a.matched += m.matched;
      a.extra += m.falseDetections;
      for (const p of m.pairs) if (p.detection !== null && cornerShift(detections[p.detection]!.quad, f.cards[p.card]!.quad) === 0) a.ordered++;
    }
  }
  const row = (condition: string, a: Acc): ConditionQuality => ({
    condition, cardFrames: a.ious.length, negativeFrames: a.negatives, iouMedian: median(a.ious),
    detectionRate: a.cards ? a.matched / a.cards : null,
    falseDetectionRate: a.negatives ? a.negativesWithDetection / a.negatives : null,
    extraPerCardFrame: a.ious.length ? a.extra / a.ious.length : null,
    cornerOrderAgreement: a.matched ? a.ordered / a.matched : null,
  });
  return {
    rows: [...byCondition.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, a]) => row(c, a)),
    scenarios: [...byScenario.entries()].map(([id, a]) => ({ ...row(a.condition, a), scenario: id })),
    all: row('all', all),
    meanInferMs: ms / Math.max(1, frames.length),
  };
}

/** The quality bar: daylight ≥ 0.90, every other condition ≥ 0.80, detection ≥ 95%, false ≤ 5%. */
export function qualityBarMisses(q: QualityReport): string[] {
  const misses: string[] = [];
  for (const r of q.rows) {
    const bar = r.condition === 'daylight' ? 0.9 : 0.8;
    if (r.iouMedian !== null && r.iouMedian < bar) misses.push(`${r.condition}: median IoU ${r.iouMedian.toFixed(3)} < ${bar}`);
  }
  if (q.all.detectionRate !== null && q.all.detectionRate < 0.95) misses.push(`detection rate ${(100 * q.all.detectionRate).toFixed(1)}% < 95%`);
  if (q.all.falseDetectionRate !== null && q.all.falseDetectionRate > 0.05) misses.push(`false detections ${(100 * q.all.falseDetectionRate).toFixed(1)}% > 5%`);
  return misses;
}
