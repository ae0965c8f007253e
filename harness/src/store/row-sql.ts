/**
 * How the store turns rows into statements: column names only ever from tables.ts, values always
 * bound. Every table group (runs.ts, devices.ts, …) writes through these.
 */
import type { Db, SqlValue } from './db.ts';
import { columnsOf, ignoreDuplicates, TABLES, type TableName } from './tables.ts';

type Row = Record<string, SqlValue>;

/**
 * Bound parameters per multi-row INSERT: well under SQLite's (32,766) and PostgreSQL's (65,535)
 * limits; for the 24 columns of a frame row that is 333 rows a statement — fewer statements
 * is most of what ingest at 50,000 frame rows/s takes (40 rows a statement ran at ~28,000).
 */
const PARAMS_PER_INSERT = 8000;

/** A JS value as the store keeps it: booleans 0/1, non-finite numbers and undefined as NULL. */
export function normalise(v: unknown): SqlValue {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v as SqlValue;
}

/** `INSERT INTO table (<declared columns the row sets>) VALUES (?…) <conflict>`. */
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

/** `ON CONFLICT (<key>) DO UPDATE SET` every other column given: a row that moved on (a work item done) replaces the stored one. */
function replaceExisting(table: TableName, cols: readonly string[]): string {
  const key: readonly string[] = TABLES[table].key ?? [];
  const set = cols.filter((c) => !key.includes(c));
  if (key.length === 0 || set.length === 0) return ignoreDuplicates(table);
  return `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/**
 * Inserts rows of one table (with `replace`, updating the ones already there): columns are the table's declared ones, rows already there are kept
 * (so an import is idempotent), and consecutive rows setting the same columns go in one multi-row
 * INSERT (a statement per row made ingest of a 20,000-frame run 2.5x slower).
 */
export async function insertMany(t: Db, table: TableName, rows: readonly object[], o: { replace?: boolean } = {}): Promise<void> {
  // The declared columns are checked once per run of rows with the same keys, not once per row.
  const keysOf = (r: object) => Object.keys(r).join(',');
  for (let i = 0; i < rows.length;) {
    const cols = columnsOf(table, rows[i]!);
    const conflict = o.replace ? replaceExisting(table, cols) : ignoreDuplicates(table);
    const sig = keysOf(rows[i]!);
    const most = Math.max(1, Math.floor(PARAMS_PER_INSERT / cols.length));
    const batch: object[] = [];
    while (i < rows.length && batch.length < most && (batch.length === 0 || keysOf(rows[i]!) === sig)) batch.push(rows[i++]!);
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    const vals: SqlValue[] = new Array(batch.length * cols.length);
    let k = 0;
    for (const r of batch) for (const c of cols) vals[k++] = normalise((r as Row)[c]);
    await t.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')} ${conflict}`, vals);
  }
}
