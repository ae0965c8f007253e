/** The dashboard pre-aggregate row (migration 050) and its API shape. */
import type { Histogram } from './summary-stats.ts';
import type { WorstFrame } from './run-summary.ts';

export interface DashRow {
  run_id: string; serial: string; lighting: string; suite: string; started_at: number; virtual: number;
  fingerprint_id: string | null; frames: number; latency_n: number; thermal_excluded: number; dropped: number;
  p50: number | null; p50_lo: number | null; p50_hi: number | null; p90: number | null; p90_lo: number | null; p90_hi: number | null;
  iou_n: number; iou_mean: number | null; iou_lo: number | null; iou_hi: number | null; detection_rate: number | null;
  histogram_json: string | null; worst_json: string | null;
}

export interface DeviceRunSummary extends Omit<DashRow, 'virtual' | 'histogram_json' | 'worst_json'> {
  virtual: boolean;
  histogram: Histogram | null;
  worst: WorstFrame[];
}

export function dashRowOut(r: DashRow): DeviceRunSummary {
  const { histogram_json, worst_json, ...rest } = r;
  return {
    ...rest, started_at: Number(r.started_at), virtual: Boolean(r.virtual),
    histogram: histogram_json ? JSON.parse(histogram_json) as Histogram : null,
    worst: worst_json ? JSON.parse(worst_json) as WorstFrame[] : [],
  };
}
