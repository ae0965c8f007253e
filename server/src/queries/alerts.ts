/**
 * The alerts page and API: nightly alerts (harness/src/nightly, migration 090) grouped per night ×
 * build, and the series each alert was found in, drawn from the same rows detection read.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import type { AlertRow } from '../../../harness/src/store/nightly-alerts.ts';
import { NIGHTLY_LABEL } from '../../../harness/src/nightly/store-series.ts';

export interface AlertTrendPoint { run_id: string; started_at: number; value: number | null; lo: number | null; hi: number | null }
export interface AlertGroup { group_key: string; night: string; label: string; build: string | null; alerts: AlertRow[] }

/** Nights of trend drawn around an alert (detection looks back 50). */
const TREND_POINTS = 60;

/** Metric → [value, lo, hi] columns of dash_run_device (device and lighting scopes) and of aggregates (scenario scope). */
const DASH_COLUMNS: Record<string, [string, string | null, string | null]> = {
  p50: ['p50', 'p50_lo', 'p50_hi'], p90: ['p90', 'p90_lo', 'p90_hi'], iou_mean: ['iou_mean', 'iou_lo', 'iou_hi'], detection_rate: ['detection_rate', null, null],
  // inference thread CPU time (migration 105): a vdevice's latency series
  infer_cpu_p50: ['infer_cpu_p50', 'infer_cpu_p50_lo', 'infer_cpu_p50_hi'], infer_cpu_p90: ['infer_cpu_p90', 'infer_cpu_p90_lo', 'infer_cpu_p90_hi'],
  infer_cpu_p05: ['infer_cpu_p05', 'infer_cpu_p05_lo', 'infer_cpu_p05_hi'],
};
const AGGREGATE_COLUMNS: Record<string, [string, string | null, string | null]> = {
  ...DASH_COLUMNS, iou_mean: ['iou_mean', 'iou_mean_lo', 'iou_mean_hi'],
  false_detection_rate: ['false_detection_rate', null, null], sustained_fps: ['sustained_fps', null, null],
};

export function groupAlerts(alerts: readonly AlertRow[]): AlertGroup[] {
  const by = new Map<string, AlertGroup>();
  for (const a of alerts) {
    let g = by.get(a.group_key);
    if (!g) {
      const [night, what] = JSON.parse(a.group_key) as [string, string];
      by.set(a.group_key, g = { group_key: a.group_key, night, label: a.label, build: what === 'infra' ? null : what, alerts: [] });
    }
    g.alerts.push(a);
  }
  return [...by.values()];
}

/** The nightly series an alert belongs to, up to TREND_POINTS nights ending with the latest (column names from the maps above, never from input). */
export async function alertTrend(db: Db, a: AlertRow): Promise<AlertTrendPoint[]> {
  const scenario = a.scope.startsWith('scenario:');
  const cols = (scenario ? AGGREGATE_COLUMNS : DASH_COLUMNS)[a.metric];
  if (!cols) return [];
  const [v, lo, hi] = cols;
  const table = scenario ? 'aggregates' : 'dash_run_device';
  const where = scenario ? 't.scenario_id = ? AND t.lighting = \'*\'' : 't.lighting = ?';
  const key = scenario ? a.scope.slice('scenario:'.length) : a.scope === '*' ? '*' : a.scope.slice('lighting:'.length);
  const rows = await db.all<AlertTrendPoint>(
    `SELECT r.id AS run_id, r.started_at, t.${v} AS value, ${lo ? `t.${lo}` : 'NULL'} AS lo, ${hi ? `t.${hi}` : 'NULL'} AS hi
       FROM ${table} t JOIN runs r ON r.id = t.run_id JOIN run_labels l ON l.run_id = r.id AND l.key = ? AND l.value = ?
      WHERE t.serial = ? AND ${where} ORDER BY r.started_at DESC, r.id DESC LIMIT ?`, [NIGHTLY_LABEL, a.role, a.serial, key, TREND_POINTS]);
  return rows.reverse().map((r) => ({ ...r, started_at: Number(r.started_at) }));
}
