/**
 * Device × lighting figures pooled over all of a run's scenarios: the report's "per device and
 * lighting" table and the dashboard's pre-aggregates (run page, `/api/runs/ID`, trends) are these rows.
 */
import type { AggregateRow } from '../store/rows.ts';
import { computeAggregates, type AggregateFrame, type AggregateOptions } from './aggregate.ts';

/** The scenario id of a pooled row. */
export const ALL_SCENARIOS = '*';

/** One row per (device, lighting) and per device ('*'), every scenario's frames together. */
export function deviceLightingAggregates(rows: readonly AggregateFrame[], opts: AggregateOptions): AggregateRow[] {
  return computeAggregates(rows.map((m) => ({ ...m, scenario_id: ALL_SCENARIOS })), opts);
}
