/** The `runs` and `run_labels` tables: one `rio-farm run` (or upload) and its `--label K=V`. */
import type { Db } from './db.ts';
import { insertSql, updateSql } from './row-sql.ts';
import type { RunRow, RunStatus } from './rows.ts';

export class RunTables {
  declare readonly db: Db;

  async createRun(run: RunRow, labels: Record<string, string>): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run(...insertSql('runs', run));
      for (const [key, value] of Object.entries(labels)) await t.run(...insertSql('run_labels', { run_id: run.id, key, value }));
    });
  }
  async updateRun(id: string, patch: Partial<Omit<RunRow, 'id'>>): Promise<void> {
    const update = updateSql('runs', patch, 'id = ?', [id]);
    if (update) await this.db.run(...update);
  }
  async finishRun(id: string, status: RunStatus, exitCode: number): Promise<void> {
    await this.updateRun(id, { status, exit_code: exitCode, finished_at: Date.now() });
  }
  /** The app and models identity as the app reported them (detector, and quarter-turn classifier or null): the first attempt to report wins. */
  async recordAppIdentity(id: string, appVersion: string, modelSha256: string, quarterTurnSha256: string | null): Promise<void> {
    await this.db.run('UPDATE runs SET app_version = ?, model_sha256 = ?, quarter_turn_sha256 = ? WHERE id = ? AND app_version IS NULL',
      [appVersion, modelSha256, quarterTurnSha256, id]);
  }
  getRun(id: string) { return this.db.get<RunRow>('SELECT * FROM runs WHERE id = ?', [id]); }
  listRuns(limit = 50) { return this.db.all<RunRow>('SELECT * FROM runs ORDER BY started_at DESC LIMIT ?', [limit]); }
  /** Finished runs of one APK and suite started before `before`, newest first, leaving out `except` (compare's history). */
  async earlierRunsOfBuild(apkSha256: string, suite: string, before: number, except: readonly string[], limit: number): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(
      `SELECT id FROM runs WHERE apk_sha256 = ? AND suite = ? AND started_at < ? AND finished_at IS NOT NULL AND status <> 'running'
         ORDER BY started_at DESC, id DESC LIMIT ?`, [apkSha256, suite, before, limit + except.length]);
    return rows.map((r) => r.id).filter((id) => !except.includes(id)).slice(0, limit);
  }
  async runLabels(id: string): Promise<Record<string, string>> {
    const rows = await this.db.all<{ key: string; value: string }>('SELECT key, value FROM run_labels WHERE run_id = ? ORDER BY key', [id]);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
  /** Every suite with a run, sorted. */
  async suites(): Promise<string[]> {
    return (await this.db.all<{ suite: string }>('SELECT DISTINCT suite FROM runs ORDER BY suite')).map((r) => r.suite);
  }
  /** The suite of the most recent run (undefined on an empty store). */
  async latestSuite(): Promise<string | undefined> {
    return (await this.db.get<{ suite: string }>('SELECT suite FROM runs ORDER BY started_at DESC LIMIT 1'))?.suite;
  }
  async countRuns(): Promise<number> {
    return Number((await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM runs'))?.n ?? 0);
  }
}
