/**
 * A night's series cells from the rows the dashboards draw: dash_run_device rows (every frame of a
 * device, and per lighting) and the aggregates' whole-scenario rows (lighting '*').
 */
import type { ModelRole, NightCell, SeriesMetric } from './series.ts';

export interface NightRun { run_id: string; started_at: number; role: ModelRole; build: string }
export interface NightDevice { serial: string; virtual: boolean; fingerprint: string | null }

/** The columns of a dash_run_device row the series read. */
export type DashCellRow = { serial: string; lighting: string; p50: number | null; p50_lo: number | null; p50_hi: number | null;
  p90: number | null; p90_lo: number | null; p90_hi: number | null; iou_mean: number | null; iou_lo: number | null; iou_hi: number | null;
  detection_rate: number | null } & CpuColumns

/** Inference CPU-time percentiles (migration 105; null before it or for apps without a thread clock). */
interface CpuColumns { infer_cpu_p50?: number | null; infer_cpu_p50_lo?: number | null; infer_cpu_p50_hi?: number | null;
  infer_cpu_p90?: number | null; infer_cpu_p90_lo?: number | null; infer_cpu_p90_hi?: number | null;
  infer_cpu_p05?: number | null; infer_cpu_p05_lo?: number | null; infer_cpu_p05_hi?: number | null }

const cpuValues = (r: CpuColumns) => ({ infer_cpu_p50: v(r.infer_cpu_p50 ?? null, r.infer_cpu_p50_lo ?? null, r.infer_cpu_p50_hi ?? null),
  infer_cpu_p90: v(r.infer_cpu_p90 ?? null, r.infer_cpu_p90_lo ?? null, r.infer_cpu_p90_hi ?? null),
  infer_cpu_p05: v(r.infer_cpu_p05 ?? null, r.infer_cpu_p05_lo ?? null, r.infer_cpu_p05_hi ?? null) });

/** The columns of an aggregates row the series read. */
export type ScenarioCellRow = { serial: string; scenario_id: string; lighting: string; p50: number | null; p50_lo: number | null; p50_hi: number | null;
  p90: number | null; p90_lo: number | null; p90_hi: number | null; iou_mean: number | null; iou_mean_lo: number | null; iou_mean_hi: number | null;
  detection_rate: number | null; false_detection_rate: number | null; sustained_fps: number | null } & CpuColumns

type Values = NightCell['values'];
const v = (value: number | null, lo: number | null = null, hi: number | null = null) => ({ value, lo, hi });

export function dashCells(run: NightRun, device: (serial: string) => NightDevice | undefined, rows: readonly DashCellRow[]): NightCell[] {
  return rows.flatMap((r) => {
    const d = device(r.serial);
    if (!d) return [];
    const values: Values = { p50: v(r.p50, r.p50_lo, r.p50_hi), p90: v(r.p90, r.p90_lo, r.p90_hi), iou_mean: v(r.iou_mean, r.iou_lo, r.iou_hi),
      detection_rate: v(r.detection_rate), ...cpuValues(r) } satisfies Partial<Record<SeriesMetric, unknown>>;
    return [{ ...run, ...d, scope: r.lighting === '*' ? '*' : `lighting:${r.lighting}`, values }];
  });
}

export function scenarioCells(run: NightRun, device: (serial: string) => NightDevice | undefined, rows: readonly ScenarioCellRow[]): NightCell[] {
  return rows.filter((r) => r.lighting === '*').flatMap((r) => {
    const d = device(r.serial);
    if (!d) return [];
    const values: Values = { p50: v(r.p50, r.p50_lo, r.p50_hi), p90: v(r.p90, r.p90_lo, r.p90_hi),
      iou_mean: v(r.iou_mean, r.iou_mean_lo, r.iou_mean_hi), detection_rate: v(r.detection_rate),
      false_detection_rate: v(r.false_detection_rate), sustained_fps: v(r.sustained_fps), ...cpuValues(r) };
    return [{ ...run, ...d, scope: `scenario:${r.scenario_id}`, values }];
  });
}
