import { html } from '../html.ts';
import type { CompareCell } from '../queries/compare.ts';
import type { RunListItem } from '../queries/runs.ts';
import { layout, num, when } from './layout.ts';

/** Two runs per device × lighting with verdicts; without both ids, a picker of recent runs. */
export function comparePage(a: string | undefined, b: string | undefined, recent: RunListItem[], cells: CompareCell[] | null): string {
  const options = (selected: string | undefined) => recent.map((r) =>
    html`<option value="${r.id}"${r.id === selected ? html` selected` : ''}>${r.id} · ${r.suite} · ${when(r.started_at)}</option>`);
  const form = html`<form class="filters" method="get" action="/compare">
<label>baseline (a) <select name="a">${options(a)}</select></label>
<label>candidate (b) <select name="b">${options(b)}</select></label><button type="submit">compare</button></form>`;
  if (!cells || !a || !b) return layout({ title: 'Compare two runs', body: form });
  const table = html`<table class="grid" id="compare-table"><thead><tr><th>device</th><th>lighting</th><th>p50 a → b (ms)</th><th>Δ latency</th><th>latency verdict</th><th>IoU a → b</th><th>IoU verdict</th></tr></thead><tbody>
${cells.map((c) => html`<tr><td>${c.model ?? c.serial}<div class="sub">${c.serial}</div></td><td>${c.lighting === '*' ? 'all' : c.lighting}</td>
<td class="n">${num(c.a?.p50)} → ${num(c.b?.p50)}</td><td class="n">${c.latency_delta_pct === null ? '—' : `${c.latency_delta_pct >= 0 ? '+' : ''}${c.latency_delta_pct.toFixed(1)}%`}</td>
<td class="verdict ${c.latency_verdict.replace(/ /g, '-')}">${c.latency_verdict}</td>
<td class="n">${num(c.a?.iou_mean, 3)} → ${num(c.b?.iou_mean, 3)}</td><td class="verdict ${c.iou_verdict.replace(/ /g, '-')}">${c.iou_verdict}</td></tr>`)}
</tbody></table>`;
  const body = html`${form}<p><a href="/runs/${encodeURIComponent(a)}">run a</a> · <a href="/runs/${encodeURIComponent(b)}">run b</a> · verdicts need ≥ 30 samples per side and separated 95% intervals</p>
<section class="charts"><figure><figcaption>Latency p50 change b vs a per device (all lightings) — click a bar for run b's frames on that device</figcaption><canvas id="compare-chart"></canvas></figure></section>
${table}`;
  return layout({ title: 'Compare two runs', body, script: 'compare.js', data: { a, b, cells: cells.filter((c) => c.lighting === '*') } });
}
