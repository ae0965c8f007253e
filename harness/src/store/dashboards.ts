/**
 * The dashboard pre-aggregates (migration 050): `dash_run_device` rows per run × device × lighting
 * and `dash_runs_done`, which runs are summarised at which finish time. The server computes the rows
 * (server/src/queries/run-summary.ts); the store writes them.
 */
import type { Db } from './db.ts';
import { insertSql } from './row-sql.ts';
import type { DashRunDeviceRow } from './rows.ts';

export class DashboardTables {
  declare readonly db: Db;

  /** Replaces a run's dashboard rows and marks it summarised as of `finishedAt`, in one transaction. */
  async replaceDashRows(runId: string, finishedAt: number | null, rows: readonly DashRunDeviceRow[], now = Date.now()): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM dash_run_device WHERE run_id = ?', [runId]);
      for (const r of rows) await t.run(...insertSql('dash_run_device', r));
      await t.run('DELETE FROM dash_runs_done WHERE run_id = ?', [runId]);
      await t.run(...insertSql('dash_runs_done', { run_id: runId, finished_at: finishedAt, summarized_at: now }));
    });
  }
}
