/** /alerts: nightly alerts grouped per night × build, each linking to its two runs and their compare, with its trend. */
import { html } from '../html.ts';
import type { AlertGroup, AlertTrendPoint } from '../queries/alerts.ts';
import { ALERT_STATUSES } from '../../../harness/src/store/nightly-alerts.ts';
import { layout, when } from './layout.ts';

export interface AlertChart { id: string; change_run_id: string; metric: string; title: string; points: AlertTrendPoint[] }

const value = (v: number) => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3));
const run = (id: string) => `/runs/${encodeURIComponent(id)}`;

export function alertsPage(groups: AlertGroup[], charts: AlertChart[], status: string | undefined): string {
  const filter = html`<form class="filters" method="get" action="/alerts"><label>status <select name="status"><option value="">any</option>
${ALERT_STATUSES.map((s) => html`<option value="${s}"${s === status ? html` selected` : ''}>${s}</option>`)}</select></label><button type="submit">show</button></form>`;
  const table = (g: AlertGroup) => html`<table class="grid alert-group"><thead><tr><th>device</th><th>series</th><th>before → after</th><th>p</th><th>found by</th><th>status</th><th>runs</th></tr></thead><tbody>
${g.alerts.map((a) => html`<tr class="alert" data-alert="${a.id}"><td><a href="/devices/${encodeURIComponent(a.serial)}">${a.serial}</a><div class="sub">${a.virtual ? 'virtual' : 'real'} · ${a.role}</div></td>
<td>${a.scope === '*' ? 'all frames' : a.scope} · ${a.metric}</td><td class="n">${value(a.before_value)} → ${value(a.after_value)}</td><td class="n">${a.p.toExponential(1)}</td>
<td>${a.via}</td><td class="status">${a.status}${a.triaged_by ? html`<div class="sub">${a.triaged_by} · ${when(a.triaged_at)}${a.triage_note ? html` · ${a.triage_note}` : ''}</div>` : ''}</td>
<td><a href="${run(a.previous_run_id)}">before</a> · <a href="${run(a.change_run_id)}">after</a> · <a class="compare" href="/compare?a=${encodeURIComponent(a.previous_run_id)}&b=${encodeURIComponent(a.change_run_id)}">compare</a></td></tr>`)}
</tbody></table>`;
  const body = html`${filter}
<p>Steps found by nightly change-point detection (E-divisive + Student t over the last 50 nights, Benjamini–Hochberg across a night's series), grouped per night of the step × build. <strong>infra</strong>: the frozen reference model moved on the same device the same night. Triage with <code>PATCH /api/alerts/ID</code> and the ingest token.</p>
${groups.length === 0 ? html`<p id="no-alerts">No alerts.</p>` : ''}
${groups.map((g) => html`<section class="group" data-group="${g.group_key}"><h2>${g.night} · ${g.label === 'infra' ? 'infra (reference moved)' : html`build ${(g.build ?? '').slice(0, 12)} · ${g.label}`} · ${g.alerts.length} series</h2>${table(g)}</section>`)}
<section class="charts">${charts.map((c, i) => html`<figure><figcaption>${c.title}</figcaption><canvas id="alert-chart-${i}"></canvas></figure>`)}</section>`;
  return layout({ title: 'Nightly alerts', body, script: 'alerts.js', data: { charts } });
}
