/**
 * The run's outcome per device × scenario — what JUnit testcases, the HTML summary and the final
 * table show. Product verdicts come from the '*' aggregate row; infrastructure outcomes from work
 * items and attempts (an item that ran on another device after a retry is reported on its slot).
 */
import type { RunExport } from '../store/run-export.ts';
import type { AggregateRow, AttemptRow } from '../store/rows.ts';
import { ALL_LIGHTING } from '../metrics/lighting.ts';

export interface TestCase {
  device: string;
  scenario: string;
  outcome: 'pass' | 'product-failure' | 'infra-error' | 'no-data';
  message: string | null;
  /** the aggregate of the device that measured it (null when nothing was measured) */
  aggregate: AggregateRow | null;
  attempts: AttemptRow[];
  seconds: number;
}

export function testCases(exp: RunExport): TestCase[] {
  const byCell = new Map<string, TestCase>();
  const aggs = new Map(exp.aggregates.filter((a) => a.lighting === ALL_LIGHTING).map((a) => [`${a.serial}\u0000${a.scenario_id}`, a]));
  const attemptsByItem = new Map<string, AttemptRow[]>();
  for (const a of exp.attempts) attemptsByItem.set(a.item_id, [...(attemptsByItem.get(a.item_id) ?? []), a]);
  for (const it of exp.work_items) {
    const key = `${it.slot_serial}\u0000${it.scenario_id}`;
    const tc = byCell.get(key) ?? { device: it.slot_serial, scenario: it.scenario_id, outcome: 'pass', message: null, aggregate: null, attempts: [], seconds: 0 };
    byCell.set(key, tc);
    const attempts = attemptsByItem.get(it.id) ?? [];
    tc.attempts.push(...attempts);
    tc.seconds += attempts.reduce((s, a) => s + ((a.finished_at ?? a.started_at) - a.started_at) / 1000, 0);
    if (it.status !== 'done') {
      const last = attempts.at(-1);
      tc.outcome = 'infra-error';
      tc.message = last ? `${last.error_code ?? 'NOT_RUN'}: ${last.error_message ?? 'did not finish'} (after ${attempts.length} attempt(s))` : 'never ran: no eligible device';
      continue;
    }
    const ok = attempts.find((a) => a.id === it.done_attempt_id);
    const agg = ok ? aggs.get(`${ok.serial}\u0000${it.scenario_id}`) ?? null : null;
    tc.aggregate ??= agg;
    if (tc.outcome === 'infra-error') continue;
    if (!agg || agg.verdict === 'no-data') { if (tc.outcome === 'pass') { tc.outcome = 'no-data'; tc.message = 'no frames measured'; } }
    else if (agg.verdict === 'fail') { tc.outcome = 'product-failure'; tc.message = agg.verdict_reason; }
  }
  return [...byCell.values()].sort((a, b) => a.device.localeCompare(b.device) || a.scenario.localeCompare(b.scenario));
}
