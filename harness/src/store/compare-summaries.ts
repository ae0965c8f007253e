/**
 * `compare_summaries` (migration 100): one row per run, what comparisons read instead of its frames
 * (harness/src/compare/compare-summary.ts computes it; the server's summarizeRun has it written).
 */
import type { Db } from './db.ts';
import { insertSql } from './row-sql.ts';

/**
 * A run's compare summary as stored: the paired resamples and the cells' blocks of values (its own
 * comparisons), and the history cell values (later runs'). cells_json is null in a summary made
 * before migration 115.
 */
export interface CompareSummaryText { resamples_json: string; history_json: string; cells_json: string | null }

/** Only a summary made at the run's current finish counts (a resumed run finishes again and is summarised again). */
const CURRENT = `FROM compare_summaries c JOIN runs r ON r.id = c.run_id
  WHERE c.run_id = ? AND r.status <> 'running' AND COALESCE(c.finished_at, -1) = COALESCE(r.finished_at, -1)`;

export class CompareSummaryTables {
  declare readonly db: Db;

  /** Replaces a run's compare summary, made from the run as it was when it finished at `finishedAt`. */
  async replaceCompareSummary(runId: string, finishedAt: number | null, summary: CompareSummaryText): Promise<void> {
    await this.db.tx(async (t) => {
      await t.run('DELETE FROM compare_summaries WHERE run_id = ?', [runId]);
      await t.run(...insertSql('compare_summaries', { run_id: runId, finished_at: finishedAt, ...summary }));
    });
  }

  /** A run's current compare summary, if any. */
  compareSummary(runId: string): Promise<CompareSummaryText | undefined> {
    return this.db.get<CompareSummaryText>(`SELECT c.resamples_json, c.history_json, c.cells_json ${CURRENT}`, [runId]);
  }

  /** Only the history cell values of a run's current compare summary (what a later comparison reads of it). */
  async compareHistory(runId: string): Promise<string | undefined> {
    return (await this.db.get<{ history_json: string }>(`SELECT c.history_json ${CURRENT}`, [runId]))?.history_json;
  }
}
