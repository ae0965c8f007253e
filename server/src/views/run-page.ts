import { html, type SafeHtml } from '../html.ts';
import { worseFirst } from '../../../harness/src/report/worst-frame-choice.ts';
import type { RunDetail } from '../queries/runs.ts';
import { frameRuleOf } from '../../../harness/src/metrics/counted-frames.ts';
import { kindBadge, layout, num, qs, statusBadge, when } from './layout.ts';

/** IoU → one of ten colour classes (CSP forbids inline styles, so colours live in app.css). */
export function iouClass(iou: number | null): string {
  if (iou === null) return 'heat-none';
  return `heat-${Math.max(0, Math.min(9, Math.floor(iou * 10)))}`;
}

function evidenceLink(runId: string, path: string | null, label: string): SafeHtml {
  if (!path) return html``;
  return html`<a href="/evidence/${encodeURIComponent(runId)}/${path.split('/').map(encodeURIComponent).join('/')}">${label}</a> `;
}

/** Run detail: device × lighting IoU heat map, latency distributions, worst frames, evidence. */
export function runPage(d: RunDetail): string {
  const r = d.run;
  const id = encodeURIComponent(r.id);
  const lightings = [...new Set(d.summaries.map((s) => s.lighting).filter((l) => l !== '*'))].sort();
  const cell = (serial: string, lighting: string) => d.summaries.find((s) => s.serial === serial && s.lighting === lighting);
  const framesHref = (serial: string, lighting?: string) => `/runs/${id}/frames${qs({ device: serial, lighting, sort: 'iou' })}`;
  const heat = html`<table class="grid heat" id="heatmap"><thead><tr><th>device</th>${lightings.map((l) => html`<th>${l}</th>`)}<th>all</th></tr></thead><tbody>
${d.devices.map((dev) => html`<tr><td>${dev.model ?? dev.serial} ${kindBadge(dev.virtual)}<div class="sub">${dev.serial}</div></td>
${[...lightings, '*'].map((l) => {
    const c = cell(dev.serial, l);
    return c ? html`<td class="${iouClass(c.iou_mean)}"><a href="${framesHref(dev.serial, l === '*' ? undefined : l)}">${num(c.iou_mean, 3)}</a><div class="sub">${c.frames} fr · p50 ${num(c.p50)} ms</div></td>` : html`<td class="heat-none">—</td>`;
  })}</tr>`)}
</tbody></table>`;
  const worst = d.summaries.filter((s) => s.lighting === '*').flatMap((s) => s.worst.map((w) => ({ ...w, serial: s.serial })))
    .sort(worseFirst).slice(0, 8);
  const body = html`
<p>${statusBadge(r.status)} suite <b>${r.suite}</b> · started ${when(r.started_at)} · finished ${when(r.finished_at)} · host ${r.host}
 · app ${r.app_version ?? '—'} · model <code>${(r.model_sha256 ?? '—').slice(0, 12)}</code>${r.quarter_turn_sha256 ? html` + quarter turn <code>${r.quarter_turn_sha256.slice(0, 12)}</code>` : ''}
 ${Object.entries(r.labels).map(([k, v]) => html` <span class="label">${k}=${v}</span>`)}
 · <a href="/runs/${id}/frames${qs({ sort: 'iou' })}">all frames, worst IoU first</a> · <a href="/compare${qs({ b: r.id })}">compare with…</a></p>
<h2>Crop IoU by device × lighting</h2>
${d.summaries.length === 0 ? html`<p class="empty">No measurements summarised for this run (still running, or no frame was measured).</p>` : heat}
<section class="charts">
  <figure><figcaption>Latency distribution per device (ms, non-dropped${frameRuleOf(r.options).includeThermal ? ' frames, thermal-flagged included for this run' : ', non-thermal frames'}). Click a bar for those frames.</figcaption><canvas id="latency-hist"></canvas></figure>
</section>
<h2>Worst frames</h2>
<p class="sub">Green: true card quad. Red dashed: detected quad.</p>
<div class="frames" id="worst-frames">${worst.map((w) => html`<figure class="frame">
  <a href="/runs/${id}/frames${qs({ device: w.serial, scenario: w.scenario_id, sort: 'iou' })}"><img loading="lazy" alt="frame ${w.frame_index}" src="/api/frame-image${qs({ attempt: w.attempt_id, frame: w.frame_index })}"></a>
  <figcaption>IoU ${num(w.iou, 3)} · ${w.serial} · ${w.scenario_id} #${w.frame_index}</figcaption></figure>`)}</div>
<h2>Devices</h2>
<table class="grid"><thead><tr><th>device</th><th>status</th><th>install</th><th>build fingerprint</th><th>error</th></tr></thead><tbody>
${d.devices.map((dev) => html`<tr><td><a href="/devices/${encodeURIComponent(dev.serial)}">${dev.model ?? dev.serial}</a> ${kindBadge(dev.virtual)}</td><td>${statusBadge(dev.status)}</td><td>${dev.install_action ?? '—'}</td><td><code>${dev.build_fingerprint ?? '—'}</code></td><td>${dev.error_code ?? ''} ${dev.error_message ?? ''}</td></tr>`)}
</tbody></table>
${d.failing_aggregates.length ? html`<h2>Cells below the bar</h2><details><summary>${d.failing_aggregates.length} device × scenario × lighting cells missed a quality bar</summary><ul>${d.failing_aggregates.map((f) => html`<li>${f.serial} · ${f.scenario_id} · ${f.lighting}: ${f.verdict_reason ?? ''}</li>`)}</ul></details>` : ''}
<h2>Attempts and evidence</h2>
<table class="grid" id="attempts"><thead><tr><th>attempt</th><th>device</th><th>scenario</th><th>outcome</th><th>thermal</th><th>evidence</th></tr></thead><tbody>
${d.attempts.map((a) => html`<tr><td><code>${a.id}</code></td><td>${a.serial}</td><td>${a.scenario_id}</td><td>${statusBadge(a.outcome)} ${a.error_code ?? ''} ${a.error_message ?? ''}</td>
<td>${a.thermal_start ?? '—'} → ${a.thermal_end ?? '—'}</td>
<td>${evidenceLink(r.id, a.logcat_path, 'logcat')}${evidenceLink(r.id, a.results_path, 'results.json')}</td></tr>`)}
</tbody></table>
${d.events.length ? html`<h2>Device events</h2><ul>${d.events.map((e) => html`<li>${when(e.at)} ${e.serial}: ${e.kind} ${e.detail ?? ''}</li>`)}</ul>` : ''}`;
  return layout({ title: `Run ${r.id}`, body, script: 'run.js', data: { run_id: r.id, summaries: d.summaries.filter((s) => s.lighting === '*') } });
}
