/** Plain listing pages: runs (with filters), devices, one run's frames (paged). */
import { html } from '../html.ts';
import type { DeviceOut } from '../queries/devices.ts';
import type { RunListItem } from '../queries/runs.ts';
import type { MeasurementRow } from '../../../harness/src/store/rows.ts';
import { kindBadge, layout, num, qs, statusBadge, when } from './layout.ts';

export function runsPage(filter: Record<string, string | undefined>, runs: RunListItem[], total: number): string {
  const field = (name: string, label: string) => html`<label>${label} <input name="${name}" value="${filter[name] ?? ''}"></label>`;
  const body = html`<form class="filters" method="get" action="/runs">
${field('suite', 'suite')}${field('device', 'device serial')}${field('model', 'model sha256')}${field('app_version', 'app version')}${field('label', 'label k=v')}${field('from', 'from')}${field('to', 'to')}
<button type="submit">filter</button></form>
<p class="sub">${total} runs</p>
<table class="grid" id="runs-table"><thead><tr><th>run</th><th>suite</th><th>status</th><th>started</th><th>devices</th><th>app</th><th>model</th><th>labels</th></tr></thead><tbody>
${runs.map((r) => html`<tr><td><a href="/runs/${encodeURIComponent(r.id)}">${r.id}</a></td><td>${r.suite}</td><td>${statusBadge(r.status)}</td><td>${when(r.started_at)}</td><td>${r.devices}${r.virtual_only ? html` ${kindBadge(true)}` : ''}</td><td>${r.app_version ?? '—'}</td><td><code>${(r.model_sha256 ?? '').slice(0, 12)}</code></td><td>${Object.entries(r.labels).map(([k, v]) => html`<span class="label">${k}=${v}</span> `)}</td></tr>`)}
</tbody></table>`;
  return layout({ title: 'Runs', body });
}

export function devicesPage(devices: DeviceOut[]): string {
  const body = html`<table class="grid" id="devices-table"><thead><tr><th>device</th><th>kind</th><th>serial</th><th>SoC / ABI</th><th>SDK</th><th>last seen</th><th>fingerprints</th><th>quarantine</th></tr></thead><tbody>
${devices.map((d) => html`<tr><td><a href="/devices/${encodeURIComponent(d.serial)}">${d.manufacturer ?? ''} ${d.model ?? d.serial}</a></td><td>${kindBadge(d.virtual)}</td><td><code>${d.serial}</code></td><td>${d.soc ?? '—'} / ${d.abi ?? '—'}</td><td>${d.sdk ?? '—'}</td><td>${when(d.last_seen)}</td><td>${d.fingerprints.length}</td><td>${d.quarantined_until && d.quarantined_until > Date.now() ? html`until ${when(d.quarantined_until)}: ${d.quarantine_reason ?? ''}` : ''}</td></tr>`)}
</tbody></table>`;
  return layout({ title: 'Devices', body });
}

export interface FramesPageQuery { device?: string; lighting?: string; scenario?: string; sort: string; offset: number; limit: number; min_latency?: number; max_latency?: number }

export function framesPage(runId: string, q: FramesPageQuery, frames: MeasurementRow[], total: number): string {
  const id = encodeURIComponent(runId);
  const page = (offset: number) => `/runs/${id}/frames${qs({ ...q, offset })}`;
  const body = html`<p><a href="/runs/${id}">← run ${runId}</a> · ${q.device ? html`device <b>${q.device}</b> · ` : ''}${q.lighting ? html`lighting <b>${q.lighting}</b> · ` : ''}${q.scenario ? html`scenario <b>${q.scenario}</b> · ` : ''}
${q.min_latency !== undefined ? html`latency ${num(q.min_latency)}–${num(q.max_latency)} ms · ` : ''}sorted by ${q.sort} · ${total} frames</p>
<table class="grid" id="frames-table"><thead><tr><th>device</th><th>scenario</th><th>frame</th><th>lighting</th><th>IoU</th><th>corner err %</th><th>t_total ms</th><th>t_infer ms</th><th>t_turn ms</th><th>dropped</th><th>thermal</th><th>detections</th><th>image</th></tr></thead><tbody>
${frames.map((f) => html`<tr><td>${f.serial}</td><td>${f.scenario_id}</td><td>${f.frame_index}</td><td>${f.lighting}</td><td class="n">${num(f.iou, 3)}</td><td class="n">${num(f.corner_err_pct, 1)}</td><td class="n">${num(f.t_total)}</td><td class="n">${num(f.t_infer)}</td><td class="n">${num(f.t_turn)}</td><td>${f.dropped ? 'yes' : ''}</td><td>${f.thermal_flag ? 'flagged' : ''}</td><td>${f.detections}</td>
<td><a class="frame-link" href="/api/frame-image${qs({ attempt: f.attempt_id, frame: f.frame_index })}">view</a></td></tr>`)}
</tbody></table>
<p>${q.offset > 0 ? html`<a href="${page(Math.max(0, q.offset - q.limit))}">← previous</a> ` : ''}${q.offset + q.limit < total ? html`<a href="${page(q.offset + q.limit)}">next →</a>` : ''}</p>`;
  return layout({ title: `Frames of ${runId}`, body });
}
