/** The sign-off's terminal summary: each gate's verdict with its deciding cell (the worst one for accuracy gates). */
import type { ReportBody } from './report.ts';
import type { GateCell } from './latency-gate.ts';

/** How far a cell is from failing, in the margin's direction (smaller = closer to, or past, the margin). */
const slack = (c: GateCell) => (c.bound === 'upper' ? c.margin - (c.hi ?? Infinity) : (c.lo ?? -Infinity) - c.margin);
const RANK = { FAIL: 0, INCONCLUSIVE: 1, PASS: 2 } as const;

export function gateTable(r: ReportBody): string {
  const lines = [`sign-off ${r.id}: ${r.verdict}  (policy ${r.policy.name}, ${r.policy.sha256.slice(0, 12)}; seed ${r.bootstrap.seed})`];
  for (const d of r.devices) lines.push(`  device ${d.serial}: ${d.units} units, ${d.valid_pairs} valid pairs, ${d.invalid_blocks} invalid blocks, ${d.frames_candidate}/${d.frames_baseline} frames, ${d.seconds_candidate}/${d.seconds_baseline} s (candidate/baseline)`);
  for (const [gate, g] of Object.entries(r.gates)) {
    const shown = gate === 'latency' || gate === 'minimums' || gate === 'model_size' || gate === 'parity' ? g.cells
      : [[...g.cells].sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || slack(a) - slack(b))[0]!];
    for (const c of shown) {
      const where = [c.device, c.lighting].filter((x) => x !== null).join(' × ');
      const bound = c.bound === 'upper' ? `upper ${c.hi ?? '—'} ≤ ${c.margin}` : `lower ${c.lo ?? '—'} ≥ ${c.margin}`;
      const worst = shown.length === 1 && g.cells.length > 1 ? ` (worst of ${g.cells.length} cells)` : '';
      lines.push(`  ${g.verdict.padEnd(12)} ${gate.padEnd(20)} ${where.padEnd(28)} estimate ${c.estimate ?? '—'}, ${bound}${worst}${c.reason ? ` — ${c.reason}` : ''}`);
      if (c.series) lines.push(`  ${''.padEnd(12)} ${''.padEnd(20)} on ${c.series}: ${c.series_reason}`);
    }
  }
  return lines.join('\n');
}
