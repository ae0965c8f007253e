/**
 * What nightly detection reads from the store: the nightly runs of a suite, each run's devices with
 * their kind, and the rows the dashboards draw (dash_run_device, the aggregates' whole-scenario rows).
 */
import type { Store } from './index.ts';

export interface NightlyRunRow { id: string; started_at: number; apk_sha256: string | null; role: string }

/** Finished runs of a suite labelled `label`=candidate|reference, oldest first. */
export function nightlyRuns(store: Store, suite: string, label: string): Promise<NightlyRunRow[]> {
  return store.db.all<NightlyRunRow>(
    `SELECT r.id, r.started_at, r.apk_sha256, l.value AS role FROM runs r JOIN run_labels l ON l.run_id = r.id AND l.key = ?
      WHERE r.suite = ? AND l.value IN ('candidate', 'reference') AND r.finished_at IS NOT NULL AND r.status <> 'running'
      ORDER BY r.started_at, r.id`, [label, suite]);
}

/** Whether the run's dashboard rows are there (the server fills them lazily). */
export async function dashboardSummarised(store: Store, runId: string): Promise<boolean> {
  return Boolean(await store.db.get('SELECT run_id FROM dash_runs_done WHERE run_id = ?', [runId]));
}

/** A run's devices with the fingerprint and kind they had in that run. */
export function runDeviceKinds(store: Store, runId: string) {
  return store.db.all<{ serial: string; fingerprint_id: string | null; virtual: number | null }>(
    `SELECT rd.serial, rd.fingerprint_id, COALESCE(f.virtual, d.virtual) AS virtual FROM run_devices rd
       LEFT JOIN device_fingerprints f ON f.id = rd.fingerprint_id LEFT JOIN devices d ON d.serial = rd.serial WHERE rd.run_id = ?`, [runId]);
}

/** The dashboard's device × lighting rows of a run. */
export function dashCellRows<T>(store: Store, runId: string): Promise<T[]> {
  return store.db.all<T & object>(
    `SELECT serial, lighting, p50, p50_lo, p50_hi, p90, p90_lo, p90_hi, iou_mean, iou_lo, iou_hi, detection_rate,
       infer_cpu_p50, infer_cpu_p50_lo, infer_cpu_p50_hi, infer_cpu_p90, infer_cpu_p90_lo, infer_cpu_p90_hi, infer_cpu_p05, infer_cpu_p05_lo, infer_cpu_p05_hi
       FROM dash_run_device WHERE run_id = ? ORDER BY serial, lighting`, [runId]) as Promise<T[]>;
}

/** The aggregates' whole-scenario rows (every lighting together) of a run. */
export function scenarioCellRows<T>(store: Store, runId: string): Promise<T[]> {
  return store.db.all<T & object>(
    `SELECT serial, scenario_id, lighting, p50, p50_lo, p50_hi, p90, p90_lo, p90_hi, iou_mean, iou_mean_lo, iou_mean_hi,
       detection_rate, false_detection_rate, sustained_fps,
       infer_cpu_p50, infer_cpu_p50_lo, infer_cpu_p50_hi, infer_cpu_p90, infer_cpu_p90_lo, infer_cpu_p90_hi, infer_cpu_p05, infer_cpu_p05_lo, infer_cpu_p05_hi FROM aggregates WHERE run_id = ? AND lighting = '*' ORDER BY serial, scenario_id`, [runId]) as Promise<T[]>;
}

/** The scenarios a device replayed in a run under one lighting. */
export async function scenariosWithLighting(store: Store, runId: string, serial: string, lighting: string): Promise<string[]> {
  const rows = await store.db.all<{ scenario_id: string }>(
    'SELECT DISTINCT scenario_id FROM aggregates WHERE run_id = ? AND serial = ? AND lighting = ? ORDER BY scenario_id', [runId, serial, lighting]);
  return rows.map((r) => r.scenario_id);
}
