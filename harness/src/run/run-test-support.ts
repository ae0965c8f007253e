/** Helpers for the runner's integration tests: run options for a temp store and out dir, a quiet progress. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentProgress, type RunProgress } from './progress.ts';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from './run-options.ts';

export function quietProgress(lines: string[] = []): RunProgress {
  return silentProgress(lines);
}

export interface TempRun { dir: string; db: string; options(over?: Partial<RunOptions>): RunOptions; cleanup(): void }

export function tempRun(): TempRun {
  const dir = mkdtempSync(join(tmpdir(), 'rio-run-'));
  const db = `sqlite:${join(dir, 'rio-farm.db')}`;
  return {
    dir, db,
    options: (over = {}) => ({ ...DEFAULT_RUN_OPTIONS, suite: 'smoke', db, out: join(dir, 'reports', String(Math.random()).slice(2, 8)),
      health: { ...DEFAULT_RUN_OPTIONS.health, cooldownPollMs: 500 }, ...over }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
