/**
 * Versioned migrations: harness/src/store/migrations/NNN_name.sql, applied in order, each once,
 * recorded in schema_migrations. The same files run on SQLite and PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './db.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration { version: number; name: string; statements: string[] }

export function loadMigrations(): Migration[] {
  return readdirSync(DIR).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort().map((f) => ({
    version: Number(f.slice(0, 3)),
    name: f.replace(/\.sql$/, ''),
    statements: splitStatements(readFileSync(join(DIR, f), 'utf8')),
  }));
}

/** Splits on `;` at line ends after dropping `--` comments (the migrations hold no semicolons in strings). */
function splitStatements(sql: string): string[] {
  return sql.split('\n').map((l) => l.replace(/--.*$/, '')).join('\n')
    .split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);
}

/** Applies pending migrations; returns the versions applied. */
export async function migrate(db: Db): Promise<number[]> {
  await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  const applied = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const done: number[] = [];
  for (const m of loadMigrations()) {
    if (applied.has(m.version)) continue;
    await db.tx(async (t) => {
      // Re-check inside the transaction: two harness processes may start against one fresh store.
      if (await t.get('SELECT version FROM schema_migrations WHERE version = ?', [m.version])) return;
      for (const s of m.statements) await t.run(s);
      await t.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
      done.push(m.version);
    });
  }
  return done;
}
