/**
 * `compare_summaries` (migration 100): one row per run, what comparisons read instead of its frames
 * (harness/src/compare/compare-summary.ts computes it; the server's summarizeRun has it written).
 */
import type { Db } from './db.ts';
import { insertSql } from './row-sql.ts';

export class CompareSummaryTables {
  declare readonly db: Db;

  /** Replaces a run's compare summary, made from the run as it was when it finished at `finishedAt`. */
  async replaceCompareSummary(runId: string, finishedAt: number | null, summaryJson: string): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM compare_summaries WHERE run_id = ?', [runId]);
      await t.run(...insertSql('compare_summaries', { run_id: runId, finished_at: finishedAt, summary_json: summaryJson }));
    });
  }

  /** A run's compare summary, only when made at the run's current finish (a resumed run is summarised again). */
  async compareSummary(runId: string): Promise<string | undefined> {
    const row = await this.db.get<{ summary_json: string }>(
      `SELECT c.summary_json FROM compare_summaries c JOIN runs r ON r.id = c.run_id
        WHERE c.run_id = ? AND r.status <> 'running' AND COALESCE(c.finished_at, -1) = COALESCE(r.finished_at, -1)`, [runId]);
    return row?.summary_json;
  }
}
