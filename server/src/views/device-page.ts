import { html } from '../html.ts';
import type { DeviceOut } from '../queries/devices.ts';
import type { Series } from '../queries/series.ts';
import { kindBadge, layout, qs, when } from './layout.ts';

export interface DevicePageData {
  device: DeviceOut; suite: string; lighting: string; lightings: string[];
  latency: Series; latency_p90: Series; iou: Series;
  thermal_events: { run_id: string; at: number; kind: string; detail: string | null }[];
}

/** A device's trends: latency and IoU with CI bands, thermal events, fingerprint changes. */
export function devicePage(d: DevicePageData): string {
  const dev = d.device;
  const base = `/devices/${encodeURIComponent(dev.serial)}`;
  const lightingLinks = ['*', ...d.lightings].map((l) => l === d.lighting
    ? html`<b>${l === '*' ? 'all lightings' : l}</b>`
    : html`<a href="${base}${qs({ lighting: l, suite: d.suite })}">${l === '*' ? 'all lightings' : l}</a>`);
  const body = html`
<p>${kindBadge(dev.virtual)} <b>${dev.manufacturer ?? ''} ${dev.model ?? ''}</b> · serial <code>${dev.serial}</code> · SoC ${dev.soc ?? '—'} · ABI ${dev.abi ?? '—'} · SDK ${dev.sdk ?? '—'}</p>
<p class="filters">suite <b>${d.suite}</b> · lighting: ${lightingLinks.map((l, i) => (i ? html` · ${l}` : l))}</p>
<section class="charts">
  <figure><figcaption>Latency p50 / p90 (ms) per run, 95% CI band; ▲ = run with thermal-flagged frames; dashed line = fingerprint change. Click a point for its run.</figcaption><canvas id="latency-chart"></canvas></figure>
  <figure><figcaption>Crop IoU mean per run, 95% CI band. Click a point for that run's frames.</figcaption><canvas id="iou-chart"></canvas></figure>
</section>
<h2>Fingerprint history</h2>
<table class="grid"><thead><tr><th>first seen</th><th>model</th><th>SoC</th><th>SDK</th><th>build fingerprint</th><th>kind</th></tr></thead><tbody>
${dev.fingerprints.map((f) => html`<tr><td>${when(f.first_seen)}</td><td>${f.manufacturer ?? ''} ${f.model ?? ''}</td><td>${f.soc ?? '—'}</td><td>${f.sdk ?? '—'}</td><td><code>${f.build_fingerprint ?? '—'}</code></td><td>${kindBadge(f.virtual)}</td></tr>`)}
</tbody></table>
<h2>Thermal and health events</h2>
${d.thermal_events.length === 0 ? html`<p class="empty">None recorded.</p>` : html`<table class="grid"><thead><tr><th>when</th><th>run</th><th>event</th><th>detail</th></tr></thead><tbody>
${d.thermal_events.map((e) => html`<tr><td>${when(e.at)}</td><td><a href="/runs/${encodeURIComponent(e.run_id)}">${e.run_id}</a></td><td>${e.kind}</td><td>${e.detail ?? ''}</td></tr>`)}
</tbody></table>`}`;
  return layout({ title: `${dev.model ?? dev.serial}`, body, script: 'device.js', data: d });
}
