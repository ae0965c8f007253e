/**
 * Waiting for SQLite's one write lock when another process holds it (a local `rio-farm run` and the
 * server's ingest on one file). SQLite's own busy wait blocks the whole Node thread (the server's
 * requests, the runner's adb streams), so it is kept short and the wait is continued here,
 * asynchronously with backoff, up to a bound; then the store reports BUSY (503 on the server, an
 * infrastructure failure that the runner retries).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RioError } from '../errors.ts';

/** SQLite's synchronous busy wait: long enough for a typical short write to finish, short enough not to stall the process. */
export const SQLITE_BUSY_TIMEOUT_MS = 50;
/** The whole wait for the lock: an import chunk or a work item's frames take tens of ms; a minute means a stuck writer. */
export const STORE_BUSY_BUDGET_MS = 60_000;

/** The budget in force: RIO_STORE_BUSY_BUDGET_MS overrides it (tests that hold the lock on purpose use seconds). */
export function storeBusyBudgetMs(): number {
  const fromEnv = Number(process.env.RIO_STORE_BUSY_BUDGET_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : STORE_BUSY_BUDGET_MS;
}
const BACKOFF_MS = [5, 10, 20, 50, 100, 200];

export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs fn, retrying while SQLite answers BUSY, for at most budgetMs; onWait hears each wait (logs, tests). */
export async function retryBusy<T>(fn: () => T | Promise<T>, onWait?: () => void, budgetMs = storeBusyBudgetMs()): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (Date.now() - start >= budgetMs) {
        throw new RioError('BUSY', `the SQLite store stayed locked by another process for ${Math.round(budgetMs / 1000)} s`, undefined, { cause: err });
      }
      onWait?.();
      await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!);
    }
  }
}
