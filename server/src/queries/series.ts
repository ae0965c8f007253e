/**
 * Metric series over runs for one device and lighting. A series is one device and one kind
 * (virtual or real): a serial that ever changed kind yields only the points of the kind asked for.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import { RioError } from '../../../harness/src/errors.ts';
import type { DashRow } from './dash-rows.ts';

export const METRICS = {
  latency_p50: { value: 'p50', lo: 'p50_lo', hi: 'p50_hi', unit: 'ms' },
  latency_p90: { value: 'p90', lo: 'p90_lo', hi: 'p90_hi', unit: 'ms' },
  iou_mean: { value: 'iou_mean', lo: 'iou_lo', hi: 'iou_hi', unit: 'IoU' },
  detection_rate: { value: 'detection_rate', lo: null, hi: null, unit: 'share' },
} as const;
export type MetricName = keyof typeof METRICS;

export interface SeriesPoint {
  run_id: string; started_at: number; value: number | null; lo: number | null; hi: number | null;
  n: number; thermal_excluded: number; fingerprint_id: string | null;
}

export interface Series {
  device: string; virtual: boolean; metric: MetricName; unit: string; lighting: string; suite: string; points: SeriesPoint[];
  /** Runs where the device's fingerprint differs from the run before (OS update, another phone on the serial). */
  fingerprint_changes: { run_id: string; started_at: number; fingerprint_id: string | null }[];
}

export interface SeriesQuery { device: string; metric: MetricName; lighting: string; suite: string; virtual?: boolean; limit: number }

export async function deviceSeries(db: Db, q: SeriesQuery): Promise<Series> {
  const device = await db.get<{ virtual: number }>('SELECT virtual FROM devices WHERE serial = ?', [q.device]);
  if (!device) throw new RioError('NOT_FOUND', 'no such device', { device: q.device });
  const virtual = q.virtual ?? Boolean(device.virtual);
  const m = METRICS[q.metric];
  const rows = await db.all<DashRow>(
    `SELECT * FROM dash_run_device WHERE serial = ? AND lighting = ? AND suite = ? AND virtual = ?
      ORDER BY started_at DESC LIMIT ?`, [q.device, q.lighting, q.suite, virtual ? 1 : 0, q.limit]);
  rows.reverse();
  const points = rows.map((r) => ({
    run_id: r.run_id, started_at: Number(r.started_at), value: r[m.value] as number | null,
    lo: m.lo ? r[m.lo] as number | null : null, hi: m.hi ? r[m.hi] as number | null : null,
    n: m.unit === 'ms' ? r.latency_n : r.iou_n, thermal_excluded: r.thermal_excluded, fingerprint_id: r.fingerprint_id,
  }));
  const changes = points.filter((p, i) => i > 0 && p.fingerprint_id !== points[i - 1]!.fingerprint_id)
    .map((p) => ({ run_id: p.run_id, started_at: p.started_at, fingerprint_id: p.fingerprint_id }));
  return { device: q.device, virtual, metric: q.metric, unit: m.unit, lighting: q.lighting, suite: q.suite, points, fingerprint_changes: changes };
}

/** The lightings a device has dashboard rows for (its page's lighting picker); '*' is every frame and listed apart. */
export async function deviceLightings(db: Db, serial: string): Promise<string[]> {
  const rows = await db.all<{ lighting: string }>(
    `SELECT DISTINCT lighting FROM dash_run_device WHERE serial = ? AND lighting <> '*' ORDER BY lighting`, [serial]);
  return rows.map((r) => r.lighting);
}
