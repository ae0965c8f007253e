/**
 * One small SQL interface over SQLite (better-sqlite3) and PostgreSQL (pg), so the store runs the
 * same statements on both. Statements use `?` placeholders; the PostgreSQL side numbers them.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RioError } from '../errors.ts';
import { retryBusy, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy.ts';

export type SqlValue = string | number | null;

export interface Db {
  readonly kind: 'sqlite' | 'postgres';
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs fn inside one transaction; statements of other callers wait until it ends. */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** Called each time a statement waits for another process's SQLite write lock (see sqlite-busy.ts). */
  onBusyWait?: () => void;
}

/** `sqlite:PATH`, a bare path ending in .db, or `postgres://…[?schema=NAME]`. */
export async function openDb(url: string, opts: DbOptions = {}): Promise<Db> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url);
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (!path) throw new RioError('BAD_CONFIG', 'empty SQLite path', { db: url });
  return openSqlite(path, opts);
}

/** Serialises async work: better-sqlite3 has one connection, so a transaction must not interleave. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

async function openSqlite(path: string, opts: DbOptions): Promise<Db> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let conn: Database.Database;
  try {
    conn = new Database(path);
  } catch (err) {
    throw new RioError('STORE_ERROR', `cannot open SQLite store: ${(err as Error).message}`, { path }, { cause: err });
  }
  // WAL: the server reads while a run writes. Busy waits: short in SQLite, continued asynchronously
  // by retryBusy (sqlite-busy.ts), so waiting for another process's write lock never stalls this one.
  conn.pragma('busy_timeout = ' + SQLITE_BUSY_TIMEOUT_MS);
  const wait = <T>(fn: () => T | Promise<T>) => retryBusy(fn, opts.onBusyWait);
  await wait(() => conn.pragma('journal_mode = WAL'));
  conn.pragma('synchronous = NORMAL');
  const mutex = new Mutex();
  const cache = new Map<string, Database.Statement>();
  const prep = (sql: string) => {
    let s = cache.get(sql);
    if (!s) { s = conn.prepare(sql); cache.set(sql, s); }
    return s;
  };
  const direct = {
    all: async <T>(sql: string, p: readonly SqlValue[] = []) => prep(sql).all(...p) as T[],
    get: async <T>(sql: string, p: readonly SqlValue[] = []) => prep(sql).get(...p) as T | undefined,
    run: async (sql: string, p: readonly SqlValue[] = []) => {
      const s = prep(sql);
      if (!s.reader) return { changes: s.run(...p).changes };
      s.all(...p);
      return { changes: 0 };
    },
  };
  const inner: Db = {
    kind: 'sqlite', ...direct,
    tx: (fn) => fn(inner),
    close: async () => undefined,
  };
  return {
    kind: 'sqlite',
    all: (sql, p) => mutex.lock(() => wait(() => direct.all(sql, p))),
    get: (sql, p) => mutex.lock(() => wait(() => direct.get(sql, p))),
    run: (sql, p) => mutex.lock(() => wait(() => direct.run(sql, p))),
    // BEGIN IMMEDIATE takes the write lock up front: the wait happens there, never halfway through.
    tx: (fn) => mutex.lock(async () => {
      await wait(() => conn.exec('BEGIN IMMEDIATE'));
      try {
        const r = await fn(inner);
        await wait(() => conn.exec('COMMIT'));
        return r;
      } catch (err) {
        if (conn.inTransaction) conn.exec('ROLLBACK');
        throw err;
      }
    }),
    close: () => mutex.lock(async () => { conn.close(); }),
  };
}

const numbered = (sql: string) => { let i = 0; return sql.replace(/\?/g, () => `$${++i}`); };

// BIGINT (20) and NUMERIC (1700, from AVG/SUM) arrive as strings by default; the store's values fit doubles.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => (v === null ? null : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

async function openPostgres(url: string): Promise<Db> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RioError('BAD_CONFIG', 'bad schema name', { schema });
  const pool = new pg.Pool({
    connectionString: u.toString(), types, max: 4,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', () => undefined); // an idle client dying is reported by the next query instead
  if (schema) {
    try { await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`); } catch (err) {
      await pool.end();
      throw new RioError('STORE_ERROR', `cannot reach PostgreSQL: ${(err as Error).message}`, { url: redact(url) }, { cause: err });
    }
  }
  const onClient = (q: pg.Pool | pg.PoolClient): Omit<Db, 'tx' | 'close' | 'kind'> => ({
    all: async <T>(sql: string, p: readonly SqlValue[] = []) => (await q.query(numbered(sql), p as SqlValue[])).rows as T[],
    get: async <T>(sql: string, p: readonly SqlValue[] = []) => (await q.query(numbered(sql), p as SqlValue[])).rows[0] as T | undefined,
    run: async (sql: string, p: readonly SqlValue[] = []) => ({ changes: (await q.query(numbered(sql), p as SqlValue[])).rowCount ?? 0 }),
  });
  return {
    kind: 'postgres',
    ...onClient(pool),
    tx: async (fn) => {
      const client = await pool.connect();
      const inner: Db = { kind: 'postgres', ...onClient(client), tx: (f) => f(inner), close: async () => undefined };
      try {
        await client.query('BEGIN');
        const r = await fn(inner);
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** A URL safe to print (password removed). */
export function redact(url: string): string {
  try { const u = new URL(url); if (u.password) u.password = '***'; return u.toString(); } catch { return url; }
}
