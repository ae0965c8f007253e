/** The dashboard pre-aggregate row (migration 050) and its API shape. */
import type { DashRunDeviceRow } from '../../../harness/src/store/rows.ts';
import type { Histogram } from './latency-histogram.ts';
import type { WorstFrame } from './run-summary.ts';

/** A dash_run_device row as the store holds it. */
export type DashRow = DashRunDeviceRow;

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
    // Rows summarised before worst frames carried cards and false detections were card frames.
    worst: worst_json ? (JSON.parse(worst_json) as Partial<WorstFrame>[]).map((w) => ({ cards: 1, false_detections: 0, ...w }) as WorstFrame) : [],
  };
}
