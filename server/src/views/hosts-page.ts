/** /hosts: farm hosts and their devices, running / queued / dead-lettered jobs, quarantines, attempt history per device. */
import { html } from '../html.ts';
import type { FarmView } from '../queries/farm.ts';
import type { FarmJobRow } from '../../../harness/src/store/index.ts';
import { layout, when } from './layout.ts';

const ago = (now: number, t: number | null) => (t === null ? 'never' : `${Math.max(0, Math.round((now - t) / 1000))} s ago`);
const hostLink = (h: string | null) => (h ? html`<a href="/hosts?host=${encodeURIComponent(h)}">${h}</a>` : '—');
const target = (j: FarmJobRow) => `${j.target_kind}=${j.target}`;

function jobTable(id: string, jobs: FarmJobRow[], now: number) {
  if (jobs.length === 0) return html`<p class="empty" id="${id}-none">none</p>`;
  return html`<table class="grid" id="${id}"><thead><tr><th>job</th><th>suite</th><th>devices</th><th>state</th><th>host · device</th><th>token</th><th>lease</th><th>infra failures</th><th>submitted</th><th>note</th></tr></thead><tbody>
${jobs.map((j) => html`<tr class="job" data-job="${j.id}"><td>${j.id}</td><td>${j.suite}</td><td>${target(j)}</td><td class="state">${j.state}${j.outcome ? html` · ${j.outcome}` : ''}</td>
<td>${hostLink(j.host)}${j.serial ? html` · ${j.serial}` : ''}</td><td class="n">${Number(j.fence)}</td>
<td>${j.lease_expires_at === null ? '—' : `${Math.round((Number(j.lease_expires_at) - now) / 1000)} s left`}</td><td class="n">${Number(j.infra_failures)}</td>
<td>${when(j.submitted_at)}</td><td>${j.dead_reason ?? ''}</td></tr>`)}
</tbody></table>`;
}

export function hostsPage(v: FarmView, host: string | undefined): string {
  const filter = html`<form class="filters" method="get" action="/hosts"><label>host <select name="host"><option value="">all hosts</option>
${v.hosts.map((h) => html`<option value="${h.name}"${h.name === host ? html` selected` : ''}>${h.name}</option>`)}</select></label><button type="submit">show</button></form>`;
  const hosts = html`<table class="grid" id="hosts"><thead><tr><th>host</th><th>state</th><th>last heartbeat</th><th>address</th><th>devices</th></tr></thead><tbody>
${v.hosts.map((h) => html`<tr class="host" data-host="${h.name}"><td>${hostLink(h.name)}</td><td class="state">${h.revoked ? 'revoked' : h.online ? 'online' : 'offline'}</td>
<td title="${when(h.last_heartbeat)}">${ago(v.now, h.last_heartbeat)}</td><td>${h.address ?? '—'}</td>
<td><table class="devices"><tbody>${h.devices.map((d) => html`<tr class="device" data-serial="${d.serial}"><td><a href="/devices/${encodeURIComponent(d.serial)}">${d.serial}</a></td>
<td>${d.model}</td><td>${d.virtual ? 'virtual' : 'real'}</td><td class="device-state">${d.quarantined_at !== null ? html`quarantined ${when(d.quarantined_at)}: ${d.quarantine_reason ?? ''}` : d.running_job ? html`running ${d.running_job}` : 'idle'}</td>
<td>${d.also_seen_by.length ? html`also seen by ${d.also_seen_by.join(', ')}` : ''}</td></tr>`)}</tbody></table></td></tr>`)}
</tbody></table>`;
  const quarantined = v.hosts.flatMap((h) => h.devices.filter((d) => d.quarantined_at !== null).map((d) => ({ host: h.name, ...d })));
  const attempts = html`<table class="grid" id="attempts"><thead><tr><th>device</th><th>job</th><th>token</th><th>host</th><th>claimed</th><th>ended</th><th>outcome</th><th>run</th><th>error</th></tr></thead><tbody>
${[...v.attempts].sort((a, b) => a.serial.localeCompare(b.serial) || Number(b.claimed_at) - Number(a.claimed_at)).map((a) => html`<tr class="attempt" data-job="${a.job_id}" data-serial="${a.serial}">
<td>${a.serial}</td><td>${a.job_id}</td><td class="n">${Number(a.fence)}</td><td>${hostLink(a.host)}</td><td>${when(a.claimed_at)}</td><td>${when(a.ended_at)}</td><td class="outcome">${a.outcome}</td>
<td>${a.run_id ? html`<a href="/runs/${encodeURIComponent(a.run_id)}">${a.run_id}</a>` : '—'}</td><td>${a.error ?? ''}</td></tr>`)}
</tbody></table>`;
  const body = html`${filter}
<p>Agents heartbeat every ${Math.round(v.heartbeat_ms / 1000)} s; a claim's lease lasts ${Math.round(v.lease_ms / 1000)} s past the last heartbeat, then its job is queued again with a new fencing token (uploads with the old one are refused).</p>
<h2>Hosts</h2>${v.hosts.length ? hosts : html`<p id="no-hosts">No host has registered${host ? ' under that name' : ''}. Issue a token with <code>rio-farm host token issue NAME</code> and start <code>rio-farm agent</code> there.</p>`}
<h2>Quarantined devices</h2>${quarantined.length ? html`<ul id="quarantined">${quarantined.map((d) => html`<li>${d.serial} on ${d.host}: ${d.quarantine_reason ?? ''}</li>`)}</ul>` : html`<p class="empty">none</p>`}
<h2>Running jobs</h2>${jobTable('running', v.running, v.now)}
<h2>Queued jobs</h2>${jobTable('queued', v.queued, v.now)}
<h2>Dead-lettered jobs</h2>${jobTable('dead', v.dead, v.now)}
<h2>Finished jobs</h2>${jobTable('done', v.done, v.now)}
<h2>Attempts per device</h2>${attempts}`;
  return layout({ title: host ? `Farm host ${host}` : 'Farm hosts', body });
}
