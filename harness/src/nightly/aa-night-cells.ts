/**
 * Series cells of a recorded A/A night, computed by the same code that fills the dashboards
 * (the server's summaryCells) and read from the aggregates the runner stored that night.
 */
import { summaryCells } from '../../../server/src/queries/run-summary.ts';
import { measurementRows, type AaNight } from './aa-fixture.ts';
import { dashCells, scenarioCells, type NightRun } from './night-cells.ts';
import type { ModelRole, NightCell } from './series.ts';

export function aaNightCells(n: AaNight, run: Partial<NightRun> & { role?: ModelRole } = {}): NightCell[] {
  const r: NightRun = { run_id: n.run_id, started_at: n.started_at, role: 'candidate', build: n.apk_sha256, ...run };
  const device = () => ({ serial: n.device.serial, virtual: Boolean(n.device.virtual), fingerprint: null });
  const dash = summaryCells(measurementRows(n)).map((c) => ({ serial: c.serial, lighting: c.lighting,
    p50: c.p50.value, p50_lo: c.p50.lo, p50_hi: c.p50.hi, p90: c.p90.value, p90_lo: c.p90.lo, p90_hi: c.p90.hi,
    iou_mean: c.iou.value, iou_lo: c.iou.lo, iou_hi: c.iou.hi, detection_rate: c.detection_rate }));
  return [...dashCells(r, device, dash), ...scenarioCells(r, device, n.aggregates.map((a) => ({ ...a, serial: n.device.serial })))];
}
