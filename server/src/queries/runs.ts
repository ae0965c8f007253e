/** Read queries behind /api/runs and /api/runs/:id. */
import type { Db, SqlValue } from '../../../harness/src/store/db.ts';
import type { AttemptRow, DeviceEventRow, RunRow } from '../../../harness/src/store/rows.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { dashRowOut, type DashRow, type DeviceRunSummary } from './dash-rows.ts';

export interface RunFilter {
  suite?: string; device?: string; model?: string; app_version?: string; label?: string;
  from?: number; to?: number; limit: number; offset: number;
}

export interface RunListItem {
  id: string; suite: string; status: string; started_at: number; finished_at: number | null; host: string;
  app_version: string | null; model_sha256: string | null; virtual_only: boolean; devices: number;
  labels: Record<string, string>;
}

/** Runs newest first, filtered; `model` matches a model sha256 prefix, `label` is `key=value` or `key`. */
export async function listRuns(db: Db, f: RunFilter): Promise<{ runs: RunListItem[]; total: number }> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.suite) { where.push('r.suite = ?'); params.push(f.suite); }
  if (f.app_version) { where.push('r.app_version = ?'); params.push(f.app_version); }
  if (f.model) { where.push('r.model_sha256 LIKE ?'); params.push(`${f.model.replace(/[%_]/g, '')}%`); }
  if (f.from !== undefined) { where.push('r.started_at >= ?'); params.push(f.from); }
  if (f.to !== undefined) { where.push('r.started_at < ?'); params.push(f.to); }
  if (f.device) { where.push('EXISTS (SELECT 1 FROM run_devices rd WHERE rd.run_id = r.id AND rd.serial = ?)'); params.push(f.device); }
  if (f.label) {
    const eq = f.label.indexOf('=');
    if (eq < 0) { where.push('EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND l.key = ?)'); params.push(f.label); }
    else {
      where.push('EXISTS (SELECT 1 FROM run_labels l WHERE l.run_id = r.id AND l.key = ? AND l.value = ?)');
      params.push(f.label.slice(0, eq), f.label.slice(eq + 1));
    }
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM runs r ${clause}`, params);
  const rows = await db.all<RunRow & { devices: number }>(
    `SELECT r.*, (SELECT COUNT(*) FROM run_devices rd WHERE rd.run_id = r.id) AS devices
       FROM runs r ${clause} ORDER BY r.started_at DESC, r.id LIMIT ? OFFSET ?`, [...params, f.limit, f.offset]);
  const labels = await labelsOf(db, rows.map((r) => r.id));
  return {
    total: Number(total?.n ?? 0),
    runs: rows.map((r) => ({
      id: r.id, suite: r.suite, status: r.status, started_at: Number(r.started_at),
      finished_at: r.finished_at === null ? null : Number(r.finished_at), host: r.host, app_version: r.app_version,
      model_sha256: r.model_sha256, virtual_only: Boolean(r.virtual_only), devices: Number(r.devices), labels: labels.get(r.id) ?? {},
    })),
  };
}

async function labelsOf(db: Db, runIds: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (runIds.length === 0) return out;
  const rows = await db.all<{ run_id: string; key: string; value: string }>(
    `SELECT run_id, key, value FROM run_labels WHERE run_id IN (${runIds.map(() => '?').join(', ')})`, runIds);
  for (const r of rows) (out.get(r.run_id) ?? out.set(r.run_id, {}).get(r.run_id)!)[r.key] = r.value;
  return out;
}

export interface RunDeviceDetail {
  serial: string; status: string; model: string | null; manufacturer: string | null; soc: string | null; abi: string | null;
  sdk: number | null; build_fingerprint: string | null; virtual: boolean; fingerprint_id: string | null;
  install_action: string | null; error_code: string | null; error_message: string | null;
}

export interface RunDetail {
  run: RunListItem & { exit_code: number | null; apk_sha256: string | null; quarter_turn_sha256: string | null; options: unknown; out_dir: string | null };
  devices: RunDeviceDetail[];
  summaries: DeviceRunSummary[];
  attempts: AttemptRow[];
  events: DeviceEventRow[];
  failing_aggregates: { serial: string; scenario_id: string; lighting: string; verdict_reason: string | null }[];
}

/** Everything the run page shows, from the pre-aggregates plus the run's small tables. */
export async function runDetail(db: Db, id: string): Promise<RunDetail> {
  const r = await db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]);
  if (!r) throw new RioError('NOT_FOUND', 'no such run', { run: id });
  const [devices, summaries, attempts, events, failing, labels] = await Promise.all([
    db.all<Omit<RunDeviceDetail, 'virtual'> & { virtual: number }>(
      `SELECT rd.serial, rd.status, rd.fingerprint_id, rd.install_action, rd.error_code, rd.error_message,
              f.model, f.manufacturer, f.soc, f.abi, f.sdk, f.build_fingerprint, COALESCE(f.virtual, d.virtual, 0) AS virtual
         FROM run_devices rd LEFT JOIN device_fingerprints f ON f.id = rd.fingerprint_id
         LEFT JOIN devices d ON d.serial = rd.serial WHERE rd.run_id = ? ORDER BY rd.serial`, [id]),
    db.all<DashRow>('SELECT * FROM dash_run_device WHERE run_id = ? ORDER BY serial, lighting', [id]),
    db.all<AttemptRow>('SELECT * FROM attempts WHERE run_id = ? ORDER BY started_at, id', [id]),
    db.all<DeviceEventRow>('SELECT * FROM device_events WHERE run_id = ? ORDER BY at', [id]),
    db.all<{ serial: string; scenario_id: string; lighting: string; verdict_reason: string | null }>(
      "SELECT serial, scenario_id, lighting, verdict_reason FROM aggregates WHERE run_id = ? AND verdict = 'fail' ORDER BY serial, scenario_id, lighting", [id]),
    labelsOf(db, [id]),
  ]);
  let options: unknown = null;
  try { options = JSON.parse(r.options_json); } catch { options = r.options_json; }
  return {
    run: {
      id: r.id, suite: r.suite, status: r.status, started_at: Number(r.started_at), finished_at: r.finished_at === null ? null : Number(r.finished_at),
      host: r.host, app_version: r.app_version, model_sha256: r.model_sha256, virtual_only: Boolean(r.virtual_only),
      devices: devices.length, labels: labels.get(id) ?? {}, exit_code: r.exit_code, apk_sha256: r.apk_sha256, quarter_turn_sha256: r.quarter_turn_sha256 ?? null,
      options, out_dir: r.out_dir,
    },
    devices: devices.map((d) => ({ ...d, virtual: Boolean(d.virtual) })),
    summaries: summaries.map(dashRowOut),
    attempts: attempts.map((a) => ({ ...a, started_at: Number(a.started_at), finished_at: a.finished_at === null ? null : Number(a.finished_at) })),
    events: events.map((e) => ({ ...e, at: Number(e.at) })),
    failing_aggregates: failing,
  };
}
