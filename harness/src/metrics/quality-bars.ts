/**
 * Product pass/fail bars per (device, scenario). Defaults follow what a card scanner needs: a
 * median crop IoU of 0.8 keeps text legible after the perspective crop. Latency has no default bar
 * (virtual devices are not phones), set one with `--bar p90_ms=…` for real-device sign-off.
 */
import { RioError } from '../errors.ts';

export interface QualityBars {
  /** minimum median IoU over card frames */
  iou_median: number;
  /** minimum share of required cards found */
  detection_rate: number;
  /** maximum share of negative frames with any detection */
  false_detection_rate: number;
  /** maximum p90 latency in ms (null: no bar) */
  p90_ms: number | null;
  /** maximum drop rate under paced replay (null: no bar) */
  drop_rate: number | null;
}

export const DEFAULT_BARS: QualityBars = { iou_median: 0.8, detection_rate: 0.9, false_detection_rate: 0.1, p90_ms: null, drop_rate: null };

/** Parses `--bar key=value` options onto the defaults; throws BAD_ARGUMENT on unknown keys or values. */
export function parseBars(specs: readonly string[] = []): QualityBars {
  const bars: QualityBars = { ...DEFAULT_BARS };
  for (const spec of specs) {
    const m = /^([a-z0-9_]+)=(.*)$/.exec(spec);
    if (!m || !(m[1]! in bars)) throw new RioError('BAD_ARGUMENT', `unknown quality bar "${spec}" (known: ${Object.keys(bars).join(', ')})`, { option: '--bar' });
    const v = m[2] === 'none' ? null : Number(m[2]);
    if (v !== null && !Number.isFinite(v)) throw new RioError('BAD_ARGUMENT', `quality bar ${m[1]} needs a number or "none"`, { option: '--bar' });
    if (v === null && (m[1] === 'iou_median' || m[1] === 'detection_rate' || m[1] === 'false_detection_rate')) {
      (bars as unknown as Record<string, number>)[m[1]!] = m[1] === 'false_detection_rate' ? 1 : 0;
    } else (bars as unknown as Record<string, number | null>)[m[1]!] = v;
  }
  return bars;
}

export interface CellQuality {
  card_frames: number; negative_frames: number; iou_median: number | null; detection_rate: number | null;
  false_detection_rate: number | null; p90: number | null; drop_rate: number | null;
}

/** pass / fail (with the bars missed) / no-data. */
export function judge(c: CellQuality, bars: QualityBars): { verdict: 'pass' | 'fail' | 'no-data'; reason: string | null } {
  if (c.card_frames + c.negative_frames === 0) return { verdict: 'no-data', reason: 'no frames measured' };
  const missed: string[] = [];
  const fmt = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));
  if (c.iou_median !== null && c.iou_median < bars.iou_median) missed.push(`median IoU ${fmt(c.iou_median)} < ${bars.iou_median}`);
  if (c.detection_rate !== null && c.detection_rate < bars.detection_rate) missed.push(`detection rate ${fmt(c.detection_rate)} < ${bars.detection_rate}`);
  if (c.false_detection_rate !== null && c.false_detection_rate > bars.false_detection_rate) missed.push(`false detection rate ${fmt(c.false_detection_rate)} > ${bars.false_detection_rate}`);
  if (bars.p90_ms !== null && c.p90 !== null && c.p90 > bars.p90_ms) missed.push(`p90 ${fmt(c.p90)} ms > ${bars.p90_ms} ms`);
  if (bars.drop_rate !== null && c.drop_rate !== null && c.drop_rate > bars.drop_rate) missed.push(`drop rate ${fmt(c.drop_rate)} > ${bars.drop_rate}`);
  return missed.length ? { verdict: 'fail', reason: missed.join('; ') } : { verdict: 'pass', reason: null };
}
