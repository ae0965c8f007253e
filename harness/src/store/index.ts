/**
 * The rio-farm store: runs, devices (with fingerprint history), leases, scenarios and frames,
 * work items and attempts with evidence, per-frame measurements, aggregates, device samples/events.
 * `openStore(url)` opens SQLite (`sqlite:PATH`) or PostgreSQL (`postgres://…[?schema=S]`) and migrates.
 */
import { createHash } from 'node:crypto';
import { openDb, type Db, type DbOptions, type SqlValue } from './db.ts';
import { migrate } from './migrate.ts';
import { columnsOf, ignoreDuplicates, type TableName } from './tables.ts';
import type {
  AggregateRow, AttemptRow, DeviceEventRow, DeviceFingerprint, DeviceRow, DeviceSampleRow, MeasurementRow,
  RunDeviceRow, RunDeviceView, RunRow, RunStatus, ScenarioFrameRow, ScenarioRow, WorkItemRow,
} from './rows.ts';

export type * from './rows.ts';
export type { TableName } from './tables.ts';
export { redact } from './db.ts';

export const DEFAULT_DB_URL = 'sqlite:.rio-farm/rio-farm.db';

export async function openStore(url: string = DEFAULT_DB_URL, opts: DbOptions = {}): Promise<Store> {
  const db = await openDb(url, opts);
  await migrate(db);
  return new Store(db);
}

type Row = Record<string, SqlValue>;

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits for our widest table. */
const ROWS_PER_INSERT = 40;

export function insertSql(table: TableName, row: object, conflict = ''): [string, SqlValue[]] {
  const keys = columnsOf(table, row);
  const vals = keys.map((k) => normalise((row as Row)[k]));
  return [`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')}) ${conflict}`, vals];
}

/** `UPDATE table SET a = ?, b = ? WHERE <where>` with the declared columns the patch sets (none: null). */
export function updateSql(table: TableName, patch: object, where: string, whereVals: SqlValue[]): [string, SqlValue[]] | null {
  const keys = columnsOf(table, patch);
  if (keys.length === 0) return null;
  return [`UPDATE ${table} SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE ${where}`,
    [...keys.map((k) => normalise((patch as Row)[k])), ...whereVals]];
}

/** The fingerprint id of a device: derived from its serial and fields, so no upload can pick one. */
export function fingerprintId(serial: string, fields: {
  manufacturer: string | null; model: string | null; soc: string | null; abi: string | null; sdk: number | null;
  build_fingerprint: string | null; virtual: number;
}): string {
  const f = { manufacturer: fields.manufacturer, model: fields.model, soc: fields.soc, abi: fields.abi, sdk: fields.sdk,
    build_fingerprint: fields.build_fingerprint, virtual: fields.virtual };
  return createHash('sha256').update(JSON.stringify([serial, f])).digest('hex').slice(0, 32);
}

function normalise(v: unknown): SqlValue {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v as SqlValue;
}

export class Store {
  constructor(readonly db: Db) {}
  get kind() { return this.db.kind; }
  close() { return this.db.close(); }

  // ── runs ──────────────────────────────────────────────────────────────────────────────────────
  async createRun(run: RunRow, labels: Record<string, string>): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run(...insertSql('runs', run));
      for (const [key, value] of Object.entries(labels)) await t.run(...insertSql('run_labels', { run_id: run.id, key, value }));
    });
  }
  async updateRun(id: string, patch: Partial<Omit<RunRow, 'id'>>): Promise<void> {
    const update = updateSql('runs', patch, 'id = ?', [id]);
    if (update) await this.db.run(...update);
  }
  async finishRun(id: string, status: RunStatus, exitCode: number): Promise<void> {
    await this.updateRun(id, { status, exit_code: exitCode, finished_at: Date.now() });
  }
  getRun(id: string) { return this.db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]); }
  listRuns(limit = 50) { return this.db.all<RunRow>('SELECT * FROM runs ORDER BY started_at DESC LIMIT ?', [limit]); }
  async runLabels(id: string): Promise<Record<string, string>> {
    const rows = await this.db.all<{ key: string; value: string }>('SELECT key, value FROM run_labels WHERE run_id = ? ORDER BY key', [id]);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  // ── devices ───────────────────────────────────────────────────────────────────────────────────
  /** Records the device and (if new) its fingerprint; returns the fingerprint id. */
  async recordDevice(fp: DeviceFingerprint, now = Date.now()): Promise<string> {
    const fields = { manufacturer: fp.manufacturer, model: fp.model, soc: fp.soc, abi: fp.abi, sdk: fp.sdk,
      build_fingerprint: fp.build_fingerprint, virtual: fp.virtual ? 1 : 0 };
    const id = fingerprintId(fp.serial, fields);
    await this.db.tx(async (t) => {
      await t.run(...insertSql('device_fingerprints', { id, serial: fp.serial, ...fields, first_seen: now }, ignoreDuplicates('device_fingerprints')));
      await t.run(...insertSql('devices', { serial: fp.serial, fingerprint_id: id, ...fields, first_seen: now, last_seen: now,
        quarantined_until: null, quarantine_reason: null },
      `ON CONFLICT (serial) DO UPDATE SET fingerprint_id = excluded.fingerprint_id, manufacturer = excluded.manufacturer,
        model = excluded.model, soc = excluded.soc, abi = excluded.abi, sdk = excluded.sdk,
        build_fingerprint = excluded.build_fingerprint, virtual = excluded.virtual, last_seen = excluded.last_seen`));
    });
    return id;
  }
  getDevice(serial: string) { return this.db.get<DeviceRow>('SELECT * FROM devices WHERE serial = ?', [serial]); }
  listDevices() { return this.db.all<DeviceRow>('SELECT * FROM devices ORDER BY serial'); }
  fingerprintHistory(serial: string) {
    return this.db.all<Row>('SELECT * FROM device_fingerprints WHERE serial = ? ORDER BY first_seen', [serial]);
  }
  async quarantine(serial: string, until: number, reason: string): Promise<void> {
    await this.db.run('UPDATE devices SET quarantined_until = ?, quarantine_reason = ? WHERE serial = ?', [until, reason, serial]);
  }

  // ── leases ────────────────────────────────────────────────────────────────────────────────────
  /**
   * Takes the device's lease if it is free, expired, or already this run's (a resumed run takes its
   * own leases back). Returns the current holder's row when someone else holds it.
   */
  async acquireLease(serial: string, runId: string, holder: string, ttlMs: number, now = Date.now()):
    Promise<{ ok: true } | { ok: false; heldBy: { run_id: string; holder: string; expires_at: number } }> {
    // One conditional upsert, so two harnesses racing for a device cannot both win (on either database).
    const [sql, vals] = insertSql('leases', { serial, run_id: runId, holder, acquired_at: now, expires_at: now + ttlMs },
      `ON CONFLICT (serial) DO UPDATE SET run_id = excluded.run_id, holder = excluded.holder, acquired_at = excluded.acquired_at,
         expires_at = excluded.expires_at WHERE leases.expires_at <= ? OR leases.run_id = ?`);
    const { changes } = await this.db.run(sql, [...vals, now, runId]);
    if (changes === 1) return { ok: true };
    const heldBy = await this.db.get<{ run_id: string; holder: string; expires_at: number }>('SELECT run_id, holder, expires_at FROM leases WHERE serial = ?', [serial]);
    return { ok: false, heldBy: heldBy ?? { run_id: '?', holder: '?', expires_at: 0 } };
  }
  async renewLease(serial: string, runId: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE leases SET expires_at = ? WHERE serial = ? AND run_id = ?', [now + ttlMs, serial, runId])).changes === 1;
  }
  async releaseLease(serial: string, runId: string): Promise<void> {
    await this.db.run('DELETE FROM leases WHERE serial = ? AND run_id = ?', [serial, runId]);
  }
  listLeases() { return this.db.all<Row>('SELECT * FROM leases ORDER BY serial'); }

  // ── run devices ───────────────────────────────────────────────────────────────────────────────
  async upsertRunDevice(row: Partial<RunDeviceRow> & { run_id: string; serial: string }): Promise<void> {
    const existing = await this.db.get('SELECT 1 AS x FROM run_devices WHERE run_id = ? AND serial = ?', [row.run_id, row.serial]);
    if (!existing) {
      await this.db.run(...insertSql('run_devices', { status: 'pending', health_failures: 0, ...row }, ignoreDuplicates('run_devices')));
      return;
    }
    const { run_id, serial, ...patch } = row;
    const update = updateSql('run_devices', patch, 'run_id = ? AND serial = ?', [run_id, serial]);
    if (update) await this.db.run(...update);
  }
  runDevices(runId: string) { return this.db.all<RunDeviceView>(
    `SELECT rd.*, d.manufacturer, d.model, d.soc, d.abi, d.sdk, d.build_fingerprint, d.virtual
       FROM run_devices rd LEFT JOIN device_fingerprints d ON d.id = rd.fingerprint_id WHERE rd.run_id = ? ORDER BY rd.serial`, [runId]); }

  // ── scenarios ─────────────────────────────────────────────────────────────────────────────────
  async recordScenario(s: ScenarioRow, frames: ScenarioFrameRow[]): Promise<void> {
    await this.db.tx(async (t) => {
      const { changes } = await t.run(...insertSql('scenarios', s, ignoreDuplicates('scenarios')));
      if (changes === 0) return; // same truth already stored
      for (const f of frames) await t.run(...insertSql('scenario_frames', f, ignoreDuplicates('scenario_frames')));
    });
  }
  scenarioFrames(suite: string, scenarioId: string, truthSha: string) {
    return this.db.all<ScenarioFrameRow>('SELECT * FROM scenario_frames WHERE suite = ? AND scenario_id = ? AND truth_sha256 = ? ORDER BY frame_index',
      [suite, scenarioId, truthSha]);
  }

  // ── work items and attempts ───────────────────────────────────────────────────────────────────
  /** Plans work items; existing ids are kept as they are (a resumed run re-plans the same ids). */
  async planItems(items: WorkItemRow[]): Promise<void> {
    await this.db.tx(async (t) => { for (const it of items) await t.run(...insertSql('work_items', it, ignoreDuplicates('work_items'))); });
  }
  workItems(runId: string) { return this.db.all<WorkItemRow>('SELECT * FROM work_items WHERE run_id = ? ORDER BY seq', [runId]); }
  async failItem(itemId: string): Promise<void> {
    await this.db.run("UPDATE work_items SET status = 'failed' WHERE id = ? AND status = 'pending'", [itemId]);
  }
  async startAttempt(a: Pick<AttemptRow, 'id' | 'run_id' | 'item_id' | 'attempt' | 'serial' | 'scenario_id'> & Partial<AttemptRow>): Promise<void> {
    await this.db.run(...insertSql('attempts', { started_at: Date.now(), outcome: 'running', ...a }));
  }
  async failAttempt(id: string, patch: Partial<AttemptRow> & { error_code: string; error_message: string }): Promise<void> {
    await this.patchAttempt(id, { finished_at: Date.now(), outcome: 'infra_error', ...patch });
  }
  private async patchAttempt(id: string, patch: Partial<AttemptRow>, db: Db = this.db): Promise<void> {
    const update = updateSql('attempts', patch, 'id = ?', [id]);
    if (update) await db.run(...update);
  }
  /**
   * Stores a successful attempt's frames and marks its work item done, atomically: after a kill -9
   * an item is either done with all its rows or pending with none.
   */
  async completeAttempt(id: string, itemId: string, patch: Partial<AttemptRow>, rows: MeasurementRow[]): Promise<void> {
    await this.db.tx(async (t) => {
      const item = await t.get<{ status: string }>('SELECT status FROM work_items WHERE id = ?', [itemId]);
      if (item?.status === 'done') throw new Error(`work item ${itemId} is already done`);
      for (const r of rows) await t.run(...insertSql('measurements', r));
      await this.patchAttempt(id, { finished_at: Date.now(), outcome: 'ok', ...patch }, t);
      await t.run("UPDATE work_items SET status = 'done', done_attempt_id = ? WHERE id = ?", [id, itemId]);
    });
  }
  /** Attempts left `running` by a harness that died are marked abandoned (their evidence stays). */
  async abandonRunningAttempts(runId: string): Promise<number> {
    return (await this.db.run("UPDATE attempts SET outcome = 'abandoned', finished_at = ? WHERE run_id = ? AND outcome = 'running'", [Date.now(), runId])).changes;
  }
  attempts(runId: string) { return this.db.all<AttemptRow>('SELECT * FROM attempts WHERE run_id = ? ORDER BY started_at, id', [runId]); }
  measurements(runId: string) {
    return this.db.all<MeasurementRow>('SELECT * FROM measurements WHERE run_id = ? ORDER BY serial, scenario_id, repeat_index, frame_index', [runId]);
  }
  /** Only the columns a latency / IoU comparison reads (no detections JSON): `compare` and the server's /api/compare. */
  latencyIouRows(runId: string) {
    return this.db.all<Pick<MeasurementRow, 'serial' | 'scenario_id' | 'repeat_index' | 'frame_index' | 'lighting' | 't_total' | 'dropped' | 'error'
      | 'thermal_flag' | 'cards' | 'iou'>>(
      'SELECT serial, scenario_id, repeat_index, frame_index, lighting, t_total, dropped, error, thermal_flag, cards, iou FROM measurements WHERE run_id = ? ORDER BY serial, scenario_id, repeat_index, frame_index', [runId]);
  }

  // ── aggregates, samples, events ───────────────────────────────────────────────────────────────
  async replaceAggregates(runId: string, rows: AggregateRow[]): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM aggregates WHERE run_id = ?', [runId]);
      for (const r of rows) await t.run(...insertSql('aggregates', r));
    });
  }
  aggregates(runId: string) { return this.db.all<AggregateRow>('SELECT * FROM aggregates WHERE run_id = ? ORDER BY serial, scenario_id, lighting', [runId]); }
  async addSample(s: DeviceSampleRow): Promise<void> { await this.db.run(...insertSql('device_samples', s)); }
  samples(runId: string) { return this.db.all<DeviceSampleRow>('SELECT * FROM device_samples WHERE run_id = ? ORDER BY serial, at', [runId]); }
  async addEvent(e: DeviceEventRow): Promise<void> { await this.db.run(...insertSql('device_events', e)); }
  events(runId: string) { return this.db.all<DeviceEventRow>('SELECT * FROM device_events WHERE run_id = ? ORDER BY serial, at', [runId]); }

  /**
   * Inserts rows of one table (run import): columns are the table's declared ones, rows already
   * there are kept (so an import is idempotent), and consecutive rows setting the same columns go in
   * one multi-row INSERT (a statement per row made ingest of a 20,000-frame run 2.5x slower).
   */
  async insertMany(t: Db, table: TableName, rows: readonly object[]): Promise<void> {
    const conflict = ignoreDuplicates(table);
    for (let i = 0; i < rows.length;) {
      const cols = columnsOf(table, rows[i]!);
      const sig = cols.join(',');
      const batch: object[] = [];
      while (i < rows.length && batch.length < ROWS_PER_INSERT && columnsOf(table, rows[i]!).join(',') === sig) batch.push(rows[i++]!);
      const tuple = `(${cols.map(() => '?').join(', ')})`;
      const vals = batch.flatMap((r) => cols.map((c) => normalise((r as Row)[c])));
      await t.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')} ${conflict}`, vals);
    }
  }
}
