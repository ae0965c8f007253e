/** The home dashboard: each device's latest run of a suite, against its run before. */
import type { Db } from '../../../harness/src/store/db.ts';
import { dashRowOut, type DashRow, type DeviceRunSummary } from './dash-rows.ts';

export interface HomeDevice {
  serial: string; model: string | null; manufacturer: string | null; virtual: boolean;
  run_id: string; started_at: number; run_status: string; device_status: string | null; failing_cells: number;
  latest: DeviceRunSummary; previous: DeviceRunSummary | null;
  by_lighting: { lighting: string; iou_mean: number | null; iou_lo: number | null; iou_hi: number | null; p50: number | null; frames: number }[];
}

/**
 * Farm hosts run the same night at different times; a device whose latest run is older than this
 * before the suite's newest run did not take part in the latest night (unplugged, retired).
 */
export const LATEST_NIGHT_MS = 20 * 3_600_000;

export interface HomeView {
  devices: HomeDevice[];
  /** devices with runs of the suite that missed the latest night */
  absent: { serial: string; model: string | null; virtual: boolean; last_run_at: number }[];
}

export async function homeDevices(db: Db, suite: string): Promise<HomeView> {
  const all = await db.all<{ serial: string; started_at: number }>(
    `SELECT serial, MAX(started_at) AS started_at FROM dash_run_device WHERE suite = ? AND lighting = '*' GROUP BY serial`, [suite]);
  const newest = Math.max(...all.map((l) => Number(l.started_at)));
  const latest = all.filter((l) => Number(l.started_at) >= newest - LATEST_NIGHT_MS);
  const absentRows = all.filter((l) => Number(l.started_at) < newest - LATEST_NIGHT_MS).sort((a, b) => Number(b.started_at) - Number(a.started_at)).slice(0, 200);
  const names = absentRows.length === 0 ? [] : await db.all<{ serial: string; model: string | null; virtual: number }>(
    `SELECT serial, model, virtual FROM devices WHERE serial IN (${absentRows.map(() => '?').join(', ')})`, absentRows.map((a) => a.serial));
  const absent = absentRows.map((a) => {
    const d = names.find((n) => n.serial === a.serial);
    return { serial: a.serial, model: d?.model ?? null, virtual: Boolean(d?.virtual), last_run_at: Number(a.started_at) };
  });
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
  return { absent, devices: out.sort((x, y) => Number(x.virtual) - Number(y.virtual) || String(x.model).localeCompare(String(y.model)) || x.serial.localeCompare(y.serial)) };
}
