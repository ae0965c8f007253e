/**
 * The one rule for which frames count, for which figure. The report, run.json's aggregates, the
 * dashboard pre-aggregates, `rio-farm compare` and `rio-farm model eval` all take their samples here,
 * so a figure reads the same wherever it is printed.
 */
import type { MeasurementRow } from '../store/rows.ts';

/** The run's choice that changes the rule (`rio-farm run --include-thermal`, kept in options_json). */
export interface FrameRule {
  /** thermal-flagged frames count for latency too (default: they are counted as "thermal excl.") */
  includeThermal: boolean;
}

export const DEFAULT_FRAME_RULE: FrameRule = { includeThermal: false };

/** The rule a run used, from its parsed options_json (anything but `includeThermal: true` excludes them). */
export function frameRuleOf(options: unknown): FrameRule {
  const o = options !== null && typeof options === 'object' ? options as Record<string, unknown> : {};
  return { includeThermal: o.includeThermal === true };
}

/** The measurement columns the rule reads. */
export type LatencyFrame = Pick<MeasurementRow, 'dropped' | 'error' | 't_total' | 'thermal_flag'>;
export type AccuracyFrame = Pick<MeasurementRow, 'dropped' | 'cards' | 'matched' | 'iou' | 'negative' | 'detections'>;

/** The app looked at the frame: the keep-latest replay did not drop it (it may still have failed). */
export const processedByApp = (f: Pick<MeasurementRow, 'dropped'>): boolean => !f.dropped;

/** The app ran the frame to the end: not dropped by the keep-latest replay, no error, a total time. */
export const ranToEnd = (f: LatencyFrame): boolean => processedByApp(f) && !f.error && f.t_total !== null;

/**
 * Latency: frames that ran, minus thermal-flagged ones unless the run included them — throttled
 * numbers must not silently slow a series.
 */
export const countsForLatency = (f: LatencyFrame, rule: FrameRule): boolean =>
  ranToEnd(f) && (rule.includeThermal || !f.thermal_flag);

/**
 * Inference cost in thread CPU time (`t_infer_cpu`, ascending): the latency frames, those that carry
 * one (an app without a thread clock, or a row stored before migration 105, has none).
 */
export function inferenceCpuSample(frames: readonly (LatencyFrame & Pick<MeasurementRow, 't_infer_cpu'>)[], rule: FrameRule): number[] {
  const out: number[] = [];
  for (const f of frames) if (countsForLatency(f, rule) && typeof f.t_infer_cpu === 'number') out.push(f.t_infer_cpu);
  return out.sort((a, b) => a - b);
}

/** Ran, but left out of latency for its thermal flag ("thermal excl."). */
export const thermalExcluded = (f: LatencyFrame, rule: FrameRule): boolean => ranToEnd(f) && !rule.includeThermal && Boolean(f.thermal_flag);

/**
 * Accuracy (IoU, detection): card frames the app processed. A dropped frame was never looked at, so it
 * counts in the drop rate only, not as a missed card — else a slower device reads as a worse model
 * (MLPerf keeps accuracy and performance apart the same way). A frame with an app error was looked at
 * and found nothing (the contract: no detections), so it is a miss.
 */
export const countsForAccuracy = (f: Pick<AccuracyFrame, 'dropped' | 'cards'>): boolean => processedByApp(f) && f.cards > 0;

/** False detections: negative frames the app processed. */
export const countsAsNegative = (f: Pick<AccuracyFrame, 'dropped' | 'negative'>): boolean => processedByApp(f) && Boolean(f.negative);

/** A counted card frame's IoU: a missed card counts 0. */
export const frameIoU = (f: Pick<AccuracyFrame, 'iou'>): number => f.iou ?? 0;

export interface Accuracy {
  card_frames: number;
  negative_frames: number;
  /** counted IoUs, ascending */
  ious: number[];
  /** matched / required cards over the counted card frames (null: none) */
  detection_rate: number | null;
  /** negatives with any detection / negatives (null: none) */
  false_detection_rate: number | null;
}

/** Accuracy of a set of frames under the rule (order-independent). */
export function accuracyOf(frames: readonly AccuracyFrame[]): Accuracy {
  const ious: number[] = [];
  let cards = 0, matched = 0, negatives = 0, flagged = 0;
  for (const f of frames) {
    if (countsForAccuracy(f)) { ious.push(frameIoU(f)); cards += f.cards; matched += f.matched; }
    if (countsAsNegative(f)) { negatives++; if (f.detections > 0) flagged++; }
  }
  ious.sort((a, b) => a - b);
  return {
    card_frames: ious.length, negative_frames: negatives, ious,
    detection_rate: cards ? matched / cards : null,
    false_detection_rate: negatives ? flagged / negatives : null,
  };
}
