/** The home dashboard: each device's latest run of a suite, against its run before. */
import type { Db } from '../../../harness/src/store/db.ts';
import { dashRowOut, type DashRow, type DeviceRunSummary } from './dash-rows.ts';

export interface HomeDevice {
  serial: string; model: string | null; manufacturer: string | null; virtual: boolean;
  run_id: string; started_at: number; run_status: string; device_status: string | null; failing_cells: number;
  latest: DeviceRunSummary; previous: DeviceRunSummary | null;
  by_lighting: { lighting: string; iou_mean: number | null; iou_lo: number | null; iou_hi: number | null; p50: number | null; frames: number }[];
}

export async function homeDevices(db: Db, suite: string): Promise<HomeDevice[]> {
  const latest = await db.all<{ serial: string; started_at: number }>(
    `SELECT serial, MAX(started_at) AS started_at FROM dash_run_device WHERE suite = ? AND lighting = '*' GROUP BY serial`, [suite]);
  const out: HomeDevice[] = [];
  for (const l of latest) {
    const row = await db.get<DashRow & { model: string | null; manufacturer: string | null; run_status: string; device_status: string | null }>(
      `SELECT x.*, d.model, d.manufacturer, r.status AS run_status, rd.status AS device_status
         FROM dash_run_device x JOIN runs r ON r.id = x.run_id
         LEFT JOIN devices d ON d.serial = x.serial
         LEFT JOIN run_devices rd ON rd.run_id = x.run_id AND rd.serial = x.serial
        WHERE x.serial = ? AND x.lighting = '*' AND x.suite = ? AND x.started_at = ?`, [l.serial, suite, l.started_at]);
    if (!row) continue;
    const [prev, lightings, failing] = await Promise.all([
      db.get<DashRow>(
        `SELECT * FROM dash_run_device WHERE serial = ? AND lighting = '*' AND suite = ? AND virtual = ? AND started_at < ?
          ORDER BY started_at DESC LIMIT 1`, [row.serial, suite, row.virtual, l.started_at]),
      db.all<DashRow>(`SELECT * FROM dash_run_device WHERE run_id = ? AND serial = ? AND lighting <> '*' ORDER BY lighting`, [row.run_id, row.serial]),
      db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM aggregates WHERE run_id = ? AND serial = ? AND verdict = 'fail'`, [row.run_id, row.serial]),
    ]);
    out.push({
      serial: row.serial, model: row.model, manufacturer: row.manufacturer, virtual: Boolean(row.virtual),
      run_id: row.run_id, started_at: Number(row.started_at), run_status: row.run_status, device_status: row.device_status,
      failing_cells: Number(failing?.n ?? 0), latest: dashRowOut(row), previous: prev ? dashRowOut(prev) : null,
      by_lighting: lightings.map((x) => ({ lighting: x.lighting, iou_mean: x.iou_mean, iou_lo: x.iou_lo, iou_hi: x.iou_hi, p50: x.p50, frames: x.frames })),
    });
  }
  // Real phones first, then virtual devices; each group by model.
  return out.sort((x, y) => Number(x.virtual) - Number(y.virtual) || String(x.model).localeCompare(String(y.model)) || x.serial.localeCompare(y.serial));
}
