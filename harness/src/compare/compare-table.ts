/** The compare result as a terminal table. */
import type { CompareCell, MetricDiff } from './compare-runs.ts';

const f = (v: number | null, d: number) => (v === null ? '—' : v.toFixed(d));
const sign = (v: number | null, d: number) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(d)}`);
const cell = (m: MetricDiff, d: number) => `${f(m.a, d)} → ${f(m.b, d)}  ${sign(m.diff, d)} [${sign(m.lo, d)}, ${sign(m.hi, d)}]  p=${m.p === null ? '—' : m.p < 0.001 ? '<0.001' : m.p.toFixed(3)}`;

export function compareTable(a: string, b: string, cells: readonly CompareCell[]): string {
  const head = ['device', 'lighting', 'n A/B', 'p50 latency ms A → B  diff [95% CI]', 'latency', 'mean IoU A → B  diff [95% CI]', 'IoU'];
  const rows = cells.map((c) => [c.device, c.lighting, `${c.latency.nA}/${c.latency.nB}`, cell(c.latency, 2), c.latency.verdict, cell(c.iou, 3), c.iou.verdict]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  const runs = Math.max(0, ...cells.map((c) => c.latency.history_runs));
  const noise = runs > 0
    ? `CIs: blocks of 10 frames resampled, widened to the spread of ${runs} earlier run(s) of A's build where a cell has ≥ 3`
    : 'CIs: blocks of 10 frames resampled; no earlier runs of A\'s build in the store, so night-to-night noise is not in them';
  return [`compare ${a} (A) → ${b} (B)`, line(head), ...rows.map(line), noise].join('\n');
}
