/**
 * Series cells of a recorded A/A night, computed by the same code that fills the dashboards
 * (the report's device × lighting rows, metrics/device-lighting.ts, under the run's default options)
 * and read from the aggregates the runner stored that night.
 */
import { deviceLightingAggregates } from '../metrics/device-lighting.ts';
import { runAggregateOptions } from '../metrics/run-aggregate-options.ts';
import { measurementRows, type AaNight } from './aa-fixture.ts';
import { dashCells, scenarioCells, type NightRun } from './night-cells.ts';
import type { ModelRole, NightCell } from './series.ts';

export function aaNightCells(n: AaNight, run: Partial<NightRun> & { role?: ModelRole } = {}): NightCell[] {
  const r: NightRun = { run_id: n.run_id, started_at: n.started_at, role: 'candidate', build: n.apk_sha256, ...run };
  const device = () => ({ serial: n.device.serial, virtual: Boolean(n.device.virtual), fingerprint: null });
  const dash = deviceLightingAggregates(measurementRows(n), runAggregateOptions('{}')).map((a) => ({ serial: a.serial, lighting: a.lighting,
    p50: a.p50, p50_lo: a.p50_lo, p50_hi: a.p50_hi, p90: a.p90, p90_lo: a.p90_lo, p90_hi: a.p90_hi,
    iou_mean: a.iou_mean, iou_lo: a.iou_mean_lo, iou_hi: a.iou_mean_hi, detection_rate: a.detection_rate,
    infer_cpu_p50: a.infer_cpu_p50, infer_cpu_p50_lo: a.infer_cpu_p50_lo, infer_cpu_p50_hi: a.infer_cpu_p50_hi,
    infer_cpu_p90: a.infer_cpu_p90, infer_cpu_p90_lo: a.infer_cpu_p90_lo, infer_cpu_p90_hi: a.infer_cpu_p90_hi }));
  return [...dashCells(r, device, dash), ...scenarioCells(r, device, n.aggregates.map((a) => ({ ...a, serial: n.device.serial })))];
}
