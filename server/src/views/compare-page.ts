import { html } from '../html.ts';
import type { CompareRow } from '../queries/run-compare.ts';
import type { RunListItem } from '../queries/runs.ts';
import type { MetricDiff } from '../../../harness/src/compare/compare-runs.ts';
import { BLOCK_FRAMES, IOU_MIN_CHANGE, LATENCY_MIN_CHANGE, MIN_BLOCKS, MIN_SAMPLES } from '../../../harness/src/compare/compare-runs.ts';
import { MIN_HISTORY_RUNS } from '../../../harness/src/compare/run-noise.ts';
import { layout, num, when } from './layout.ts';

const signed = (v: number | null, d: number) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(d)}`);
/** `a → b`, then b − a with its 95% CI and the Mann–Whitney p. */
const change = (m: MetricDiff, d: number) => html`${num(m.a, d)} → ${num(m.b, d)}<div class="sub">${signed(m.diff, d)} [${signed(m.lo, d)}, ${signed(m.hi, d)}] · p ${m.p === null ? '—' : m.p < 0.001 ? '<0.001' : m.p.toFixed(3)}</div>`;
const verdict = (v: string) => html`<td class="verdict ${v.replace(/ /g, '-')}">${v}</td>`;

/** Two runs per device × lighting with verdicts; without both ids, a picker of recent runs. */
export function comparePage(a: string | undefined, b: string | undefined, recent: RunListItem[], cells: CompareRow[] | null): string {
  const options = (selected: string | undefined) => recent.map((r) =>
    html`<option value="${r.id}"${r.id === selected ? html` selected` : ''}>${r.id} · ${r.suite} · ${when(r.started_at)}</option>`);
  const form = html`<form class="filters" method="get" action="/compare">
<label>baseline (a) <select name="a">${options(a)}</select></label>
<label>candidate (b) <select name="b">${options(b)}</select></label><button type="submit">compare</button></form>`;
  if (!cells || !a || !b) return layout({ title: 'Compare two runs', body: form });
  const serials = (c: CompareRow) => [...new Set([...c.serials.a, ...c.serials.b])].join(', ');
  const table = html`<table class="grid" id="compare-table"><thead><tr><th>device</th><th>lighting</th><th>frames a / b</th><th>p50 a → b (ms), b − a [95% CI]</th><th>Δ latency</th><th>latency verdict</th><th>mean IoU a → b, b − a [95% CI]</th><th>IoU verdict</th></tr></thead><tbody>
${cells.map((c) => html`<tr><td>${c.model ?? c.device}<div class="sub">${serials(c)}</div></td><td>${c.lighting === '*' ? 'all' : c.lighting}</td>
<td class="n">${c.latency.nA} / ${c.latency.nB}</td><td class="n">${change(c.latency, 1)}</td>
<td class="n">${c.latency_delta_pct === null ? '—' : `${signed(c.latency_delta_pct, 1)}%`}</td>${verdict(c.latency_verdict)}
<td class="n">${change(c.iou, 3)}</td>${verdict(c.iou_verdict)}</tr>`)}
</tbody></table>`;
  const rule = `verdicts need ≥ ${MIN_SAMPLES} frames and ≥ ${MIN_BLOCKS} blocks of ${BLOCK_FRAMES} frames per side, a 95% interval of b − a that excludes 0 (blocks resampled, paired; widened to the night-to-night spread of a's build when ≥ ${MIN_HISTORY_RUNS} earlier runs of it are stored), and a change of at least ${LATENCY_MIN_CHANGE * 100}% in p50 latency or ${IOU_MIN_CHANGE} in mean IoU; virtual and real devices are never compared; a virtual device's latency is the floor (p05) of its inference thread CPU time, judged over all its frames only (per lighting: not judged)`;
  const body = html`${form}<p><a href="/runs/${encodeURIComponent(a)}">run a</a> · <a href="/runs/${encodeURIComponent(b)}">run b</a> · ${rule}</p>
<section class="charts"><figure><figcaption>Latency p50 change b vs a per device (all lightings) — click a bar for run b's frames on that device</figcaption><canvas id="compare-chart"></canvas></figure></section>
${table}`;
  // The chart shows devices both runs measured; a one-sided cell has no change to draw.
  const chart = cells.filter((c) => c.lighting === '*' && c.latency_delta_pct !== null)
    .map((c) => ({ device: c.device, model: c.model, serial: c.serial, latency_delta_pct: c.latency_delta_pct, latency_verdict: c.latency_verdict }));
  return layout({ title: 'Compare two runs', body, script: 'compare.js', data: { a, b, cells: chart } });
}
