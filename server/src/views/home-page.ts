import { html } from '../html.ts';
import type { HomeView } from '../queries/home.ts';
import { deltaPct, kindBadge, layout, num, statusBadge, when } from './layout.ts';

/** Latest run of a suite per device: status, latency vs the run before, IoU by lighting. */
export function homePage(suite: string, suites: string[], view: HomeView): string {
  const { devices, absent } = view;
  const rows = devices.map((d) => html`<tr>
    <td><a href="/devices/${encodeURIComponent(d.serial)}">${d.model ?? d.serial}</a><div class="sub">${d.manufacturer ?? ''} · ${d.serial}</div></td>
    <td>${kindBadge(d.virtual)}</td>
    <td><a href="/runs/${encodeURIComponent(d.run_id)}">${when(d.started_at)}</a></td>
    <td>${statusBadge(d.device_status)} ${statusBadge(d.run_status)}${d.failing_cells ? html` <span class="sub">${d.failing_cells} cells below bar</span>` : ''}</td>
    <td class="n">${num(d.latest.p50)} <span class="delta">${deltaPct(d.latest.p50, d.previous?.p50)}</span></td>
    <td class="n">${num(d.latest.p90)} <span class="delta">${deltaPct(d.latest.p90, d.previous?.p90)}</span></td>
    <td class="n">${num(d.latest.iou_mean, 3)}</td>
    <td class="n">${d.latest.thermal_excluded}</td>
  </tr>`);
  const suiteLinks = html`<p class="filters">suite: ${suites.map((s, i) => html`${i ? ' · ' : ''}${s === suite ? html`<b>${s}</b>` : html`<a href="/?suite=${encodeURIComponent(s)}">${s}</a>`}`)}</p>`;
  const body = html`${suites.length > 0 ? suiteLinks : ''}${devices.length === 0
    ? html`<p class="empty">No finished <b>${suite}</b> run in the store yet. Run <code>rio-farm run --suite ${suite}</code>, or pick another suite on the <a href="/runs">runs</a> page.</p>`
    : html`<table class="grid" id="home-table">
  <thead><tr><th>device</th><th>kind</th><th>latest ${suite}</th><th>status</th><th>p50 ms (vs previous)</th><th>p90 ms (vs previous)</th><th>IoU mean</th><th>thermal-excluded frames</th></tr></thead>
  <tbody>${rows}</tbody></table>
<section class="charts two">
  <figure><figcaption>Latency p50 (ms): latest vs previous run — click a bar for its run</figcaption><canvas id="latency-chart"></canvas></figure>
  <figure><figcaption>IoU by lighting, latest run — click a bar for those frames</figcaption><canvas id="iou-chart"></canvas></figure>
</section>`}
${absent.length ? html`<h2>Not in the latest ${suite}</h2><p class="sub">${absent.map((a, i) => html`${i ? ' · ' : ''}<a href="/devices/${encodeURIComponent(a.serial)}${suite === 'nightly' ? '' : `?suite=${encodeURIComponent(suite)}`}">${a.model ?? a.serial}</a> (${a.serial}${a.virtual ? ', virtual' : ''}, last ${when(a.last_run_at)})`)}</p>` : ''}`;
  return layout({ title: `Latest ${suite} per device`, body, script: devices.length ? 'home.js' : undefined, data: { suite, devices } });
}
