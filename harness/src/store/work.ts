/**
 * What a run does on its devices: `run_devices`, `scenarios` + `scenario_frames` (the truth),
 * `work_items`, `attempts` with their evidence, per-frame `measurements` and `ui_measurements`.
 */
import type { Db } from './db.ts';
import { insertSql, updateSql } from './row-sql.ts';
import { ignoreDuplicates } from './tables.ts';
import type {
  AttemptRow, MeasurementRow, RunDeviceRow, RunDeviceView, ScenarioFrameRow, ScenarioRow, UiMeasurementRow, WorkItemRow,
} from './rows.ts';

/** A frame as the run's summaries read it (summaryFrames): everything but the stage times and the detections JSON. */
export type SummaryFrame = Omit<MeasurementRow, 't_decode' | 't_pre' | 't_post' | 't_turn' | 'detections_json'>;

export class WorkTables {
  declare readonly db: Db;

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
  scenario(suite: string, scenarioId: string, truthSha: string) {
    return this.db.get<ScenarioRow>('SELECT * FROM scenarios WHERE suite = ? AND id = ? AND truth_sha256 = ?', [suite, scenarioId, truthSha]);
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
    await patchAttempt(this.db, id, { finished_at: Date.now(), outcome: 'infra_error', ...patch });
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
      await patchAttempt(t, id, { finished_at: Date.now(), outcome: 'ok', ...patch });
      await t.run("UPDATE work_items SET status = 'done', done_attempt_id = ? WHERE id = ?", [id, itemId]);
    });
  }
  /** Attempts left `running` by a harness that died are marked abandoned (their evidence stays). */
  async abandonRunningAttempts(runId: string): Promise<number> {
    return (await this.db.run("UPDATE attempts SET outcome = 'abandoned', finished_at = ? WHERE run_id = ? AND outcome = 'running'", [Date.now(), runId])).changes;
  }
  attempts(runId: string) { return this.db.all<AttemptRow>('SELECT * FROM attempts WHERE run_id = ? ORDER BY started_at, id', [runId]); }

  // ── frames ────────────────────────────────────────────────────────────────────────────────────
  measurements(runId: string) {
    return this.db.all<MeasurementRow>('SELECT * FROM measurements WHERE run_id = ? ORDER BY serial, scenario_id, repeat_index, frame_index', [runId]);
  }
  /**
   * The columns a run's summaries read — aggregates, dashboard rows, compare summary — in the
   * order of measurements() and latencyIouRows(): ingest reads a run's frames back once for all three.
   */
  summaryFrames(runId: string) {
    return this.db.all<SummaryFrame>(`SELECT run_id, serial, scenario_id, attempt_id, repeat_index, frame_index, lighting, negative, t_total, t_infer,
      t_infer_cpu, dropped, thermal_flag, detections, matched, cards, iou, corner_err_px, corner_err_pct, false_detections, error
      FROM measurements WHERE run_id = ? ORDER BY serial, scenario_id, repeat_index, frame_index`, [runId]);
  }
  /** Only the columns a latency / IoU comparison reads (no detections JSON): `compare` and the server's /api/compare. */
  /** How many frames a run has stored. */
  async frameCount(runId: string): Promise<number> {
    return Number((await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM measurements WHERE run_id = ?', [runId]))?.n ?? 0);
  }
  /** How many of a run's frames the harness flagged as taken while the device was throttled. */
  async thermalFlaggedFrames(runId: string): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM measurements WHERE run_id = ? AND thermal_flag = 1', [runId]);
    return Number(r?.n ?? 0);
  }
  latencyIouRows(runId: string) {
    return this.db.all<Pick<MeasurementRow, 'serial' | 'scenario_id' | 'repeat_index' | 'frame_index' | 'lighting' | 't_total' | 't_infer_cpu' | 'dropped' | 'error'
      | 'thermal_flag' | 'cards' | 'iou'>>(
      'SELECT serial, scenario_id, repeat_index, frame_index, lighting, t_total, t_infer_cpu, dropped, error, thermal_flag, cards, iou FROM measurements WHERE run_id = ? ORDER BY serial, scenario_id, repeat_index, frame_index', [runId]);
  }
  /** What a UI capture spec measured on the crop screen (scenarios/ui). */
  async addUiMeasurement(row: UiMeasurementRow): Promise<void> {
    await this.db.run(...insertSql('ui_measurements', row));
  }
  uiMeasurements(runId: string) {
    return this.db.all<UiMeasurementRow>('SELECT * FROM ui_measurements WHERE run_id = ? ORDER BY serial, attempt_id', [runId]);
  }
}

async function patchAttempt(db: Db, id: string, patch: Partial<AttemptRow>): Promise<void> {
  const update = updateSql('attempts', patch, 'id = ?', [id]);
  if (update) await db.run(...update);
}
