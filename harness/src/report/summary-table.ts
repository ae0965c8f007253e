/** The final table printed at the end of `rio-farm run`: one line per device × scenario. */
import type { RunExport } from '../store/run-export.ts';
import { testCases } from './testcases.ts';
import { textTable } from '../render/text-table.ts';
import { fixed as f } from '../render/numbers.ts';

export function summaryTable(exp: RunExport): string {
  const head = ['device', 'scenario', 'frames', 'p50 ms', 'p90 ms', 'p99 ms', 'fps', 'drop', 'IoU med', 'det', 'false+', 'therm', 'tries', 'result'];
  const rows = testCases(exp).map((c) => {
    const a = c.aggregate;
    return [c.device, c.scenario, String(a?.frames ?? 0), f(a?.p50), f(a?.p90), f(a?.p99), f(a?.sustained_fps), f(a?.drop_rate, 2),
      f(a?.iou_median, 3), f(a?.detection_rate, 2), f(a?.false_detection_rate, 2), String(a?.thermal_excluded ?? 0), String(c.attempts.length),
      c.outcome === 'pass' ? 'pass' : `${c.outcome}${c.message ? `: ${c.message}` : ''}`];
  });
  const status = `run ${exp.run.id} ${exp.run.status} (exit ${exp.run.exit_code})`;
  return [textTable(head, rows), status].join('\n');
}
