/**
 * Series cells of a recorded A/A night, computed by the same code that fills the dashboards
 * (the report's device × lighting rows, metrics/device-lighting.ts, under the run's default options)
 * and read from the aggregates the runner stored that night.
 */
import { computeAggregates } from '../metrics/aggregate.ts';
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
    infer_cpu_p90: a.infer_cpu_p90, infer_cpu_p90_lo: a.infer_cpu_p90_lo, infer_cpu_p90_hi: a.infer_cpu_p90_hi,
    infer_cpu_p05: a.infer_cpu_p05, infer_cpu_p05_lo: a.infer_cpu_p05_lo, infer_cpu_p05_hi: a.infer_cpu_p05_hi }));
  // Nights recorded before migration 116 stored no CPU-time floor per scenario: the same code computes it from their frames.
  const floors = n.aggregates.some((a) => a.infer_cpu_p05 === undefined)
    ? new Map(computeAggregates(measurementRows(n), runAggregateOptions('{}')).filter((a) => a.lighting === '*').map((a) => [a.scenario_id, a]))
    : undefined;
  const scenarios = n.aggregates.map((a) => {
    const f = a.infer_cpu_p05 === undefined ? floors?.get(a.scenario_id) : undefined;
    return { ...a, serial: n.device.serial, ...(f && { infer_cpu_p05: f.infer_cpu_p05, infer_cpu_p05_lo: f.infer_cpu_p05_lo, infer_cpu_p05_hi: f.infer_cpu_p05_hi }) };
  });
  return [...dashCells(r, device, dash), ...scenarioCells(r, device, scenarios)];
}
