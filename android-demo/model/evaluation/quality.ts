/**
 * Crop quality of one model on evaluation frames, per lighting condition: median crop IoU over
 * card frames, detection rate over required cards, false-detection rate over negative frames,
 * and mean inference latency. Matching and IoU are the harness's (crop-match.ts / quad.ts); which
 * frames count for which figure is the harness's one rule (counted-frames.ts), as for a device run.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RioError } from '../../../harness/src/errors.ts';
import { matchCrops } from '../../../harness/src/metrics/crop-match.ts';
import type { Quad } from '../../../harness/src/metrics/quad.ts';
import { accuracyOf, countsForAccuracy, type AccuracyFrame } from '../../../harness/src/metrics/counted-frames.ts';
import { median as sampleMedian } from '../../../harness/src/stats/descriptive.ts';
import { inputOf, type EvalFrame } from './eval-frames.ts';
import { postprocess, type ModelRunner, type PostprocessOverrides, type Detection } from './model-runner.ts';
import { decodeFrame } from '../../host/frame-pipeline.ts';
import { turnQuadsUpright, type ClassifyTurn, type TurnFrame } from '../../host/quarter-turn.ts';

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
  /** the quarter-turn classifier per frame with detections (decode again, crops, inference, roll); null without one */
  meanTurnMs: number | null;
}

/** Median (the harness's estimator); null for no values. */
export const median = (xs: readonly number[]): number | null => (xs.length ? sampleMedian(xs) : null);

/** Eval frame ids are `<scenario>#<frame>`. */
const scenarioOf = (frameId: string): string => frameId.slice(0, frameId.lastIndexOf('#'));

/** One frame's outcome under the one rule, with what only model evaluation looks at. */
interface EvalOutcome extends AccuracyFrame { extra: number; ordered: number }

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

/**
 * Every detection turned upright as the app turns it (host/quarter-turn.ts on the decoded camera frame),
 * the ones the classifier calls "not a card" at `rejectThreshold` dropped; throws BAD_MODEL when the
 * classifier or the core fails.
 */
async function turned(f: EvalFrame, rgb: TurnFrame, detections: Detection[], classify: ClassifyTurn, rejectThreshold?: number): Promise<Detection[]> {
  if (!detections.length) return detections;
  const r = await turnQuadsUpright(rgb, detections.map((d) => d.quad), classify, rejectThreshold);
  if (r.error) throw new RioError('BAD_MODEL', `quarter turn on ${f.id}: ${r.error.code}: ${r.error.message}`, { file: f.path });
  return detections.flatMap((d, k) => (r.kept[k] ? [{ ...d, quad: r.quads[k] as unknown as Quad }] : []));
}

/** One frame's detections scored under the one rule. */
function outcomeOf(f: EvalFrame, detections: readonly Detection[]): EvalOutcome {
  const m = matchCrops(detections, f.negative ? [] : f.cards);
  // Every evaluation frame is processed (nothing is dropped on the host).
  const ordered = m.pairs.filter((p) => p.detection !== null && cornerShift(detections[p.detection]!.quad, f.cards[p.card]!.quad) === 0).length;
  return { dropped: 0, negative: f.negative ? 1 : 0, cards: m.cards, matched: m.matched, iou: m.iou,
    detections: detections.length, extra: m.falseDetections, ordered };
}

/** A group of frames' figures (one condition, one scenario or all). */
function rowOf(condition: string, group: readonly EvalOutcome[]): ConditionQuality {
  const a = accuracyOf(group);
  const counted = group.filter(countsForAccuracy);
  const sum = (k: 'extra' | 'ordered' | 'matched') => counted.reduce((t, f) => t + f[k], 0);
  return { condition, cardFrames: a.card_frames, negativeFrames: a.negative_frames, iouMedian: median(a.ious),
    detectionRate: a.detection_rate, falseDetectionRate: a.false_detection_rate,
    extraPerCardFrame: a.card_frames ? sum('extra') / a.card_frames : null,
    cornerOrderAgreement: sum('matched') ? sum('ordered') / sum('matched') : null };
}

/**
 * Quality of `runner` on `frames`; with `quarterTurn`, each detection's corner order is the classifier's and
 * the detections it rejects (`params.reject_threshold`, default model-io.json's) are dropped, as in the app.
 */
export async function measureQuality(runner: ModelRunner, frames: readonly EvalFrame[], params: PostprocessOverrides = {},
  quarterTurn?: ClassifyTurn): Promise<QualityReport> {
  const { reject_threshold: rejectThreshold, ...detectorParams } = params;
  const byCondition = new Map<string, EvalOutcome[]>();
  const byScenario = new Map<string, { condition: string; frames: EvalOutcome[] }>();
  const all: EvalOutcome[] = [];
  let ms = 0, turnMs = 0, turnFrames = 0;
  for (const f of frames) {
    const r = await runner.run(inputOf(f));
    ms += r.ms;
    let detections = postprocess(r.outputs, f.width, f.height, detectorParams);
    if (quarterTurn && detections.length) {
      const t = performance.now();
      detections = await turned(f, await decodeFrame(f.path), detections, quarterTurn, rejectThreshold);
      turnMs += performance.now() - t;
      turnFrames++;
    }
    const outcome = outcomeOf(f, detections);
    const cond = byCondition.get(f.condition) ?? [];
    byCondition.set(f.condition, cond);
    const scenario = scenarioOf(f.id);
    const sc = byScenario.get(scenario) ?? { condition: f.condition, frames: [] };
    byScenario.set(scenario, sc);
    for (const group of [cond, sc.frames, all]) group.push(outcome);
  }
  return {
    rows: [...byCondition.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, g]) => rowOf(c, g)),
    scenarios: [...byScenario.entries()].map(([id, s]) => ({ ...rowOf(s.condition, s.frames), scenario: id })),
    all: rowOf('all', all),
    meanInferMs: ms / Math.max(1, frames.length),
    meanTurnMs: quarterTurn ? turnMs / Math.max(1, turnFrames) : null,
  };
}

/** One point of a threshold sweep: its thresholds and the all-frames figures there. */
export interface SweepPoint { scoreThreshold: number; rejectThreshold: number | null; all: ConditionQuality }

/**
 * The all-frames figures at every (score threshold, reject threshold) pair, for choosing thresholds on the
 * `validation` suite: each frame is inferred once and each crop classified once, then post-processed, turned
 * and rejected at every pair exactly as `measureQuality` does at one. `rejects` needs `quarterTurn`.
 */
export async function sweepQuality(runner: ModelRunner, frames: readonly EvalFrame[], scores: readonly number[], rejects: readonly number[],
  params: Omit<PostprocessOverrides, 'score_threshold' | 'reject_threshold'> = {}, quarterTurn?: ClassifyTurn): Promise<SweepPoint[]> {
  if (rejects.length && !quarterTurn) throw new RioError('BAD_ARGUMENT', 'a reject-threshold sweep needs a quarter-turn classifier');
  const points = scores.flatMap((s) => (rejects.length ? rejects : [null]).map((t) => ({ s, t, outcomes: [] as EvalOutcome[] })));
  for (const f of frames) {
    const r = await runner.run(inputOf(f));
    const rgb = quarterTurn ? await decodeFrame(f.path) : undefined;
    // A lower score threshold adds candidates to the same quads: each crop is classified once per frame.
    const seen = new Map<string, Float32Array>();
    const classify: ClassifyTurn | undefined = quarterTurn && (async (crop) => {
      const key = createHash('sha1').update(new Uint8Array(crop.buffer, crop.byteOffset, crop.byteLength)).digest('base64');
      const logits = seen.get(key) ?? await quarterTurn(crop);
      seen.set(key, logits);
      return logits;
    });
    for (const p of points) {
      const detections = postprocess(r.outputs, f.width, f.height, { ...params, score_threshold: p.s });
      p.outcomes.push(outcomeOf(f, classify ? await turned(f, rgb!, detections, classify, p.t ?? undefined) : detections));
    }
  }
  return points.map((p) => ({ scoreThreshold: p.s, rejectThreshold: p.t, all: rowOf('all', p.outcomes) }));
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
