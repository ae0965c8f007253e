/**
 * Sign-offs in the store (migration 095): the sign-off row and its blocks. Column lists are
 * constants here — never a row's keys — and values are bound parameters, on SQLite and PostgreSQL.
 */
import type { Store } from './index.ts';
import type { BlockRecord } from '../signoff/evidence.ts';

const SIGNOFF_COLUMNS = ['id', 'created_at', 'finished_at', 'status', 'verdict', 'virtual_only', 'policy_sha256', 'policy_text',
  'meta_json', 'report_sha256', 'public_key', 'signature', 'out_dir'] as const;
const BLOCK_COLUMNS = ['signoff_id', 'serial', 'unit', 'position', 'retry', 'arm', 'run_id', 'chunk', 'valid', 'invalid_reason',
  'thermal_max', 'battery_temp_max', 'wall_ms'] as const;

export interface SignoffRow {
  id: string; created_at: number; finished_at: number | null; status: 'running' | 'done' | 'failed'; verdict: string | null;
  virtual_only: number; policy_sha256: string; policy_text: string; meta_json: string;
  report_sha256: string | null; public_key: string | null; signature: string | null; out_dir: string | null;
}

const insert = (table: string, cols: readonly string[]) => `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;

export async function createSignoff(store: Store, row: SignoffRow): Promise<void> {
  await store.db.run(insert('signoffs', SIGNOFF_COLUMNS), SIGNOFF_COLUMNS.map((c) => row[c]));
}

export async function addBlock(store: Store, signoffId: string, b: BlockRecord): Promise<void> {
  const row = { signoff_id: signoffId, ...b } as Record<string, unknown>;
  await store.db.run(insert('signoff_blocks', BLOCK_COLUMNS), BLOCK_COLUMNS.map((c) => row[c] as never));
}

/** Marks the sign-off finished with its verdict and signed report. */
export async function finishSignoff(store: Store, id: string, patch: Pick<SignoffRow, 'status' | 'verdict' | 'report_sha256' | 'public_key' | 'signature'>): Promise<void> {
  await store.db.run('UPDATE signoffs SET status = ?, verdict = ?, report_sha256 = ?, public_key = ?, signature = ?, finished_at = ? WHERE id = ?',
    [patch.status, patch.verdict, patch.report_sha256, patch.public_key, patch.signature, Date.now(), id]);
}

/** Marks a sign-off that stopped on an error. */
export async function failSignoff(store: Store, id: string): Promise<void> {
  await store.db.run('UPDATE signoffs SET status = ?, finished_at = ? WHERE id = ?', ['failed', Date.now(), id]);
}

export const getSignoff = (store: Store, id: string) => store.db.get<SignoffRow>('SELECT * FROM signoffs WHERE id = ?', [id]);
export const listSignoffs = (store: Store, limit = 200) =>
  store.db.all<SignoffRow>('SELECT * FROM signoffs ORDER BY created_at DESC, id LIMIT ?', [limit]);

/** Per sign-off, the runs its blocks were measured in (the /signoffs page links them). */
export async function signoffRuns(store: Store): Promise<Map<string, string[]>> {
  const rows = await store.db.all<{ signoff_id: string; run_id: string }>('SELECT DISTINCT signoff_id, run_id FROM signoff_blocks ORDER BY signoff_id, run_id');
  const runs = new Map<string, string[]>();
  for (const r of rows) runs.set(r.signoff_id, [...(runs.get(r.signoff_id) ?? []), r.run_id]);
  return runs;
}

/** Blocks in a fixed order, so what is built from them never depends on row order. */
export async function signoffBlocks(store: Store, id: string): Promise<BlockRecord[]> {
  const rows = await store.db.all<BlockRecord & { signoff_id: string }>(
    'SELECT * FROM signoff_blocks WHERE signoff_id = ? ORDER BY serial, unit, position, retry', [id]);
  return rows.map(({ signoff_id: _, ...b }) => ({ ...b, unit: Number(b.unit), position: Number(b.position), retry: Number(b.retry),
    chunk: Number(b.chunk), valid: Number(b.valid), wall_ms: Number(b.wall_ms),
    thermal_max: b.thermal_max === null ? null : Number(b.thermal_max), battery_temp_max: b.battery_temp_max === null ? null : Number(b.battery_temp_max) }));
}
