/** Per-frame measurements of a run, paged, and the truth behind one frame (for the overlay image). */
import type { Db, SqlValue } from '../../../harness/src/store/db.ts';
import type { MeasurementRow } from '../../../harness/src/store/rows.ts';
import { RioError } from '../../../harness/src/errors.ts';

export interface FrameFilter {
  device?: string; lighting?: string; scenario?: string; min_latency?: number; max_latency?: number;
  sort: 'frame' | 'iou' | 'latency'; limit: number; offset: number;
}

const ORDER: Record<FrameFilter['sort'], string> = {
  // Each order ends on the primary key, so pages never repeat or skip tied frames.
  frame: 'serial, scenario_id, repeat_index, frame_index, attempt_id',
  // NULL IoU (negative frames) last: they have no crop to be wrong about.
  iou: 'CASE WHEN iou IS NULL THEN 1 ELSE 0 END, iou, attempt_id, frame_index',
  latency: 'CASE WHEN t_total IS NULL THEN 1 ELSE 0 END, t_total DESC, attempt_id, frame_index',
};

export async function listFrames(db: Db, runId: string, f: FrameFilter): Promise<{ total: number; frames: MeasurementRow[] }> {
  const where = ['run_id = ?'];
  const params: SqlValue[] = [runId];
  if (f.device) { where.push('serial = ?'); params.push(f.device); }
  if (f.lighting) { where.push('lighting = ?'); params.push(f.lighting); }
  if (f.scenario) { where.push('scenario_id = ?'); params.push(f.scenario); }
  if (f.min_latency !== undefined) { where.push('t_total >= ?'); params.push(f.min_latency); }
  if (f.max_latency !== undefined) { where.push('t_total < ?'); params.push(f.max_latency); }
  const clause = where.join(' AND ');
  // Two steps: sort only the keys (a sort carrying whole rows of a 20,000-frame run is several
  // times slower), then read the page's rows by primary key.
  const [total, keys] = await Promise.all([
    db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM measurements WHERE ${clause}`, params),
    db.all<{ attempt_id: string; frame_index: number }>(
      `SELECT attempt_id, frame_index FROM measurements WHERE ${clause} ORDER BY ${ORDER[f.sort]} LIMIT ? OFFSET ?`, [...params, f.limit, f.offset]),
  ]);
  const rows = keys.length === 0 ? [] : await db.all<MeasurementRow>(
    `SELECT * FROM measurements WHERE (attempt_id, frame_index) IN (VALUES ${keys.map(() => '(?, CAST(? AS INTEGER))').join(', ')})`,
    keys.flatMap((k) => [k.attempt_id, k.frame_index]));
  const byKey = new Map(rows.map((r) => [`${r.attempt_id}\u0000${r.frame_index}`, r]));
  const frames = keys.map((k) => byKey.get(`${k.attempt_id}\u0000${k.frame_index}`)!);
  if (Number(total?.n ?? 0) === 0 && !(await db.get('SELECT 1 AS x FROM runs WHERE id = ?', [runId]))) {
    throw new RioError('NOT_FOUND', 'no such run', { run: runId });
  }
  return { total: Number(total?.n ?? 0), frames };
}

export interface FrameTruth {
  measurement: MeasurementRow; sha256: string | null; width: number; height: number;
  cards: { quad: [number, number][]; visible: number }[];
}

/** One measured frame with its ground truth (joined through the attempt's work item). */
export async function frameTruth(db: Db, attemptId: string, frameIndex: number): Promise<FrameTruth> {
  const m = await db.get<MeasurementRow>('SELECT * FROM measurements WHERE attempt_id = ? AND frame_index = ?', [attemptId, frameIndex]);
  if (!m) throw new RioError('NOT_FOUND', 'no such frame', { attempt: attemptId, frame: frameIndex });
  const truth = await db.get<{ sha256: string; width: number; height: number; cards_json: string }>(
    `SELECT sf.sha256, sf.width, sf.height, sf.cards_json
       FROM attempts a JOIN work_items w ON w.id = a.item_id JOIN runs r ON r.id = a.run_id
       JOIN scenario_frames sf ON sf.suite = r.suite AND sf.scenario_id = w.scenario_id
        AND sf.truth_sha256 = w.truth_sha256 AND sf.frame_index = ?
      WHERE a.id = ?`, [frameIndex, attemptId]);
  let cards: FrameTruth['cards'] = [];
  try { cards = truth ? JSON.parse(truth.cards_json) : []; } catch { cards = []; }
  return { measurement: m, sha256: truth?.sha256 ?? null, width: truth?.width ?? 1280, height: truth?.height ?? 720, cards };
}
