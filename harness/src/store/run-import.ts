/**
 * Writes a run export into a store (POST /api/runs, and tests that move a run between stores).
 *
 * - Ownership: a run recorded locally, or uploaded first by another host, is never changed (CONFLICT,
 *   409). A repeat upload from the same host adds what is missing and keeps what is stored.
 * - Chunks: frame rows go in transactions of IMPORT_CHUNK_ROWS, so a large upload never holds
 *   SQLite's one write lock for long while a local run on the same file is saving its frames. The run
 *   stays `running` (unfinished: no dashboard or comparison reads it) until finishImport's
 *   transaction. The server answers an upload once everything it sent is stored (writeRunFrames) and
 *   finishes it right after: the bootstraps of its aggregates take seconds of CPU, its rows a fraction
 *   of one. What the finish needs is stored with the rows (`import_pending`, migration 120), so a
 *   server stopped in between finishes the run when it starts again (finishPendingImports).
 * - Summary: the aggregates are recomputed from the frames actually stored, with the harness's own
 *   computeAggregates; the upload's aggregates are never stored.
 */
import { RioError } from '../errors.ts';
import { computeAggregates, type AggregateOptions } from '../metrics/aggregate.ts';
import { runAggregateOptions } from '../metrics/run-aggregate-options.ts';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Db } from './db.ts';
import type { AggregateRow } from './rows.ts';
import type { SummaryFrame } from './work.ts';
import type { Store } from './index.ts';
import type { RunExport } from './run-export.ts';
import { checkRunExport } from './run-export-check.ts';

/** Rows per write transaction: ~20-50 ms of SQLite's write lock each (see harness/src/store/README.md). */
export const IMPORT_CHUNK_ROWS = 2000;

export interface ImportResult {
  created: boolean;
  /** frames actually stored */
  measurements: number;
  /** those frames as read back for the aggregates (summaryFrames): the dashboard rows and compare summary reuse them */
  frames: SummaryFrame[];
}

export interface ImportOptions {
  /** prefix of the field paths in errors ('body' for an upload) */
  root?: string;
  now?: number;
  /**
   * The owner uploads the same unfinished run again as it progresses (`rio-farm agent`, after each
   * scenario): its run devices, work items and attempts replace the stored ones (pending → done).
   * Frames are never replaced.
   */
  progress?: boolean;
}

/** Checks the export (checkRunExport), then stores it; see the file comment. */
export async function importRun(store: Store, exp: RunExport, opts: ImportOptions = {}): Promise<ImportResult> {
  const written = await writeRunFrames(store, exp, opts);
  return { ...written, frames: await finishImport(store, exp.run.id) };
}

/**
 * importRun's first part: the check, the ownership claim and small tables, the frame rows, then
 * samples, events and what the finish needs (`import_pending`) in one last transaction. Everything
 * the upload sent is stored; the run still reads as `running` until finishImport.
 */
export async function writeRunFrames(store: Store, exp: RunExport, { root = '', now = Date.now(), progress = false }: ImportOptions = {}):
  Promise<Omit<ImportResult, 'frames'>> {
  checkRunExport(exp, root);
  const created = await store.db.tx((t) => claimAndWriteSmallTables(store, t, exp, now, root, progress));
  for (let i = 0; i < exp.scenario_frames.length; i += IMPORT_CHUNK_ROWS) {
    await store.db.tx((t) => store.insertMany(t, 'scenario_frames', exp.scenario_frames.slice(i, i + IMPORT_CHUNK_ROWS)));
  }
  for (let i = 0; i < exp.measurements.length; i += IMPORT_CHUNK_ROWS) {
    await store.db.tx((t) => store.insertMany(t, 'measurements', exp.measurements.slice(i, i + IMPORT_CHUNK_ROWS)));
  }
  const runId = exp.run.id;
  await store.db.tx(async (t) => {
    // samples and events have no natural key: the owner's latest upload replaces them.
    await t.run('DELETE FROM device_samples WHERE run_id = ?', [runId]);
    await store.insertMany(t, 'device_samples', exp.samples);
    await t.run('DELETE FROM device_events WHERE run_id = ?', [runId]);
    await store.insertMany(t, 'device_events', exp.events);
    await store.insertMany(t, 'import_pending', [{ run_id: runId, token: randomUUID(), status: exp.run.status, exit_code: exp.run.exit_code, finished_at: exp.run.finished_at,
      scenario_fps_json: JSON.stringify(exp.scenarios.map((x) => ({ id: x.id, fps: x.fps }))) }], { replace: true });
  });
  return { created, measurements: await store.frameCount(runId) };
}

interface PendingImport { run_id: string; token: string; status: string; exit_code: number | null; finished_at: number | null; scenario_fps_json: string }

/**
 * importRun's last part: the aggregates of the frames as stored (read back once; returned for the
 * dashboard rows and compare summary), then the run's final status, in one transaction with the end
 * of its `import_pending` row — before it, no dashboard or comparison takes the run as finished.
 * Uploads of one run may overlap (an agent uploads its run as it progresses): each pending row
 * carries its upload's token, and only the call that read the row still pending writes — a newer
 * upload's finish, which sees every frame, does the rest. No pending row: finished already.
 */
export async function finishImport(store: Store, runId: string): Promise<SummaryFrame[]> {
  const pending = await store.db.get<PendingImport>('SELECT * FROM import_pending WHERE run_id = ?', [runId]);
  const frames = await store.summaryFrames(runId);
  if (!pending) return frames;
  const run = await store.db.get<{ options_json: string }>('SELECT options_json FROM runs WHERE id = ?', [runId]);
  const scenarios = JSON.parse(pending.scenario_fps_json) as { id: string; fps: number | null }[];
  const aggregates = await aggregatesBetweenOthers(frames, runAggregateOptions(run?.options_json ?? '{}', scenarios));
  await store.db.tx(async (t) => {
    const still = await t.get<{ token: string }>('SELECT token FROM import_pending WHERE run_id = ?', [runId]);
    if (still?.token !== pending.token) return; // a newer upload of the run: its own finish writes
    await t.run('DELETE FROM aggregates WHERE run_id = ?', [runId]);
    await store.insertMany(t, 'aggregates', aggregates);
    await t.run('UPDATE runs SET status = ?, exit_code = ?, finished_at = ? WHERE id = ?', [pending.status, pending.exit_code, pending.finished_at, runId]);
    await t.run('DELETE FROM import_pending WHERE run_id = ?', [runId]);
  });
  return frames;
}

/** Uploads a stopped server answered but did not finish (or whose finish failed): finished now, in run id order — the summary refresher calls it when the server starts and between its rounds. */
export async function finishPendingImports(store: Store, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
  const ids = (await store.db.all<{ run_id: string }>('SELECT run_id FROM import_pending ORDER BY run_id')).map((r) => r.run_id).filter((id) => !skip.has(id));
  for (const id of ids) await finishImport(store, id);
  return ids;
}

/**
 * computeAggregates one (device, scenario) at a time, letting other work in between: its bootstraps
 * take seconds of CPU for a 20,000-frame run, which must not stall a server's other requests. The
 * cells are independent (each seeded by its own key), so the rows are exactly computeAggregates'.
 */
async function aggregatesBetweenOthers(rows: readonly SummaryFrame[], opts: AggregateOptions): Promise<AggregateRow[]> {
  const groups = new Map<string, SummaryFrame[]>();
  for (const r of rows) {
    const k = JSON.stringify([r.serial, r.scenario_id]);
    const g = groups.get(k);
    if (g) g.push(r); else groups.set(k, [r]);
  }
  const out: AggregateRow[] = [];
  for (const g of groups.values()) {
    out.push(...computeAggregates(g, opts));
    await yieldToOthers();
  }
  const key = (a: AggregateRow) => JSON.stringify([a.run_id, a.serial, a.scenario_id, a.lighting]);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The ownership check and every small table, in one transaction; true when the run is new here. */
async function claimAndWriteSmallTables(store: Store, t: Db, exp: RunExport, now: number, root: string, progress: boolean): Promise<boolean> {
  const run = exp.run;
  const existing = await t.get<{ host: string }>('SELECT host FROM runs WHERE id = ?', [run.id]);
  const uploaded = await t.get<{ host: string }>('SELECT host FROM run_uploads WHERE run_id = ?', [run.id]);
  if (existing && !uploaded) {
    throw new RioError('CONFLICT', `run ${run.id} was recorded on this server's store by a local run: an upload cannot change it`, { field: `${root}/run/id` });
  }
  // Claim first: of two hosts uploading one new run id at once, the second waits here and then sees the owner.
  await store.insertMany(t, 'run_uploads', [{ run_id: run.id, host: run.host, first_at: now, last_at: now }]);
  const owner = await t.get<{ host: string }>('SELECT host FROM run_uploads WHERE run_id = ?', [run.id]);
  if (owner?.host !== run.host) {
    throw new RioError('CONFLICT', `run ${run.id} was uploaded by host ${owner?.host}: host ${run.host} cannot change it`, { field: `${root}/run/host` });
  }
  await t.run('UPDATE run_uploads SET last_at = ? WHERE run_id = ?', [now, run.id]);
  // Unfinished until the last chunk is in (importRun's final transaction sets the real status).
  await store.insertMany(t, 'runs', [{ ...run, status: 'running', exit_code: null, finished_at: null }]);
  await store.insertMany(t, 'run_labels', Object.entries(exp.labels).map(([key, value]) => ({ run_id: run.id, key, value })));
  for (const d of exp.devices) {
    const { manufacturer, model, soc, abi, sdk, build_fingerprint, virtual, ...rd } = d;
    if (rd.fingerprint_id) {
      const fp = { manufacturer, model, soc, abi, sdk, build_fingerprint, virtual: virtual ?? 0 };
      await store.insertMany(t, 'device_fingerprints', [{ id: rd.fingerprint_id, serial: d.serial, ...fp, first_seen: run.started_at }]);
      await store.insertMany(t, 'devices', [{ serial: d.serial, fingerprint_id: rd.fingerprint_id, ...fp,
        first_seen: run.started_at, last_seen: run.started_at, quarantined_until: null, quarantine_reason: null }]);
    }
    await store.insertMany(t, 'run_devices', [rd], { replace: progress });
  }
  await store.insertMany(t, 'scenarios', exp.scenarios);
  await store.insertMany(t, 'work_items', exp.work_items, { replace: progress });
  await store.insertMany(t, 'attempts', exp.attempts, { replace: progress });
  return !existing;
}
