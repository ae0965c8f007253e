/**
 * What the ingest tests upload and count: a run export made by the real store write API
 * (writeSyntheticRuns → exportRun, exactly as `rio-farm run` writes reports/<run-id>/run.json), and
 * the row count of every table, to prove that a refused upload stored nothing.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import type { Store } from '../../../harness/src/store/index.ts';
import { exportRun, type RunExport } from '../../../harness/src/store/run-export.ts';
import { STORED_TABLES } from '../../../harness/src/store/tables.ts';
import { smallFarm, writeSyntheticRuns } from './synthetic-runs.ts';

/** Two phones and a virtual device, two scenarios of 12 frames: small enough to upload a thousand times. */
export async function exportedRuns(source: Store, runs = 2): Promise<RunExport[]> {
  const farm = smallFarm({
    runs, seed: 11,
    scenarios: [{ id: 'desk-plain', lightings: ['plain', 'warm'], frames: 12, negativeEvery: 6 }, { id: 'desk-dim', lightings: ['dim'], frames: 12 }],
  });
  const written = await writeSyntheticRuns(source, farm);
  return Promise.all(written.map((r) => exportRun(source, r.id)));
}

/** Rows in every table the store has, in one statement (table names from code: tables.ts). */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const row = await db.get<Record<string, number>>(`SELECT ${STORED_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`);
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

/** The run with every work item repeated `repeats` times (ids derived as the harness derives them): a large upload. */
export function widened(exp: RunExport, repeats: number): RunExport {
  const e = structuredClone(exp);
  const items = [...e.work_items], attempts = [...e.attempts], frames = [...e.measurements];
  let seq = items.length;
  for (let r = 1; r < repeats; r++) {
    for (const w of items) {
      const id = `${e.run.id}/${w.slot_serial}/${w.scenario_id}/${w.repeat_index + r}`;
      const olds = attempts.filter((a) => a.item_id === w.id);
      e.work_items.push({ ...w, id, repeat_index: w.repeat_index + r, seq: seq++, done_attempt_id: w.done_attempt_id?.replace(w.id, id) ?? null });
      for (const a of olds) {
        const aid = `${id}/a${a.attempt}`;
        e.attempts.push({ ...a, id: aid, item_id: id });
        for (const m of frames) if (m.attempt_id === a.id) e.measurements.push({ ...m, attempt_id: aid, repeat_index: w.repeat_index + r });
      }
    }
  }
  return e;
}
