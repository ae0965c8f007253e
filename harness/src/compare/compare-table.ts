/** The compare result as a terminal table. */
import type { CompareCell, MetricDiff } from './compare-runs.ts';

import { fixed as f, pValue, signed as sign } from '../render/numbers.ts';
import { textTable } from '../render/text-table.ts';

const cell = (m: MetricDiff, d: number) => `${f(m.a, d)} → ${f(m.b, d)}  ${sign(m.diff, d)} [${sign(m.lo, d)}, ${sign(m.hi, d)}]  p=${pValue(m.p)}${m.measure === 'inference thread CPU' ? ' cpu p05' : ''}`;

export function compareTable(a: string, b: string, cells: readonly CompareCell[]): string {
  const head = ['device', 'lighting', 'n A/B', 'p50 latency ms A → B  diff [95% CI]', 'latency', 'mean IoU A → B  diff [95% CI]', 'IoU'];
  const rows = cells.map((c) => [c.device, c.lighting, `${c.latency.nA}/${c.latency.nB}`, cell(c.latency, 2), c.latency.verdict, cell(c.iou, 3), c.iou.verdict]);
  const runs = Math.max(0, ...cells.map((c) => c.latency.history_runs));
  const noise = runs > 0
    ? `CIs: blocks of 10 frames resampled, widened to the spread of ${runs} earlier run(s) of A's build where a cell has ≥ 3`
    : 'CIs: blocks of 10 frames resampled; no earlier runs of A\'s build in the store, so night-to-night noise is not in them';
  const cpu = cells.some((c) => c.latency.measure === 'inference thread CPU')
    ? ['"cpu": a virtual device\'s latency is the floor (p05) of its inference thread CPU time (t_infer_cpu); its wall time measures the host\'s load, the median of its CPU time how long the VM\'s neighbours were busy'] : [];
  return [`compare ${a} (A) → ${b} (B)`, textTable(head, rows), noise, ...cpu].join('\n');
}
