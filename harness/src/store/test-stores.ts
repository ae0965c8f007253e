/**
 * Stores for tests: a temp SQLite file always, and a fresh PostgreSQL schema per store when
 * RIO_TEST_PG is set (CI sets it). When it is not set, say so loudly: a silent skip hides a gap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from './index.ts';

export const PG_URL = process.env.RIO_TEST_PG;
let warned = false;

export function warnIfNoPostgres(): void {
  if (PG_URL || warned) return;
  warned = true;
  process.stderr.write('\n*** RIO_TEST_PG is not set: the PostgreSQL store tests are NOT run (SQLite only). ***\n' +
    '*** Set RIO_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run them (.ci/run does). ***\n\n');
}

export interface TestStore { store: Store; url: string; drop(): Promise<void> }

export async function sqliteTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'rio-store-'));
  const url = `sqlite:${join(dir, 'rio-farm.db')}`;
  const store = await openStore(url);
  return { store, url, drop: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A store in a new PostgreSQL schema, dropped again by drop(). */
export async function postgresTestStore(base = PG_URL!): Promise<TestStore> {
  const schema = `rio_test_${randomBytes(6).toString('hex')}`;
  const u = new URL(base);
  u.searchParams.set('schema', schema);
  const url = u.toString();
  const store = await openStore(url);
  return {
    store, url,
    drop: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try { await c.query(`DROP SCHEMA ${schema} CASCADE`); } finally { await c.end(); }
    },
  };
}

/** The store kinds to test here: SQLite, plus PostgreSQL when RIO_TEST_PG is set. */
export function storeKinds(): { name: string; open: () => Promise<TestStore> }[] {
  warnIfNoPostgres();
  return [{ name: 'sqlite', open: sqliteTestStore }, ...(PG_URL ? [{ name: 'postgres', open: () => postgresTestStore() }] : [])];
}
