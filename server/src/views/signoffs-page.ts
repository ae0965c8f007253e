/** The sign-off pages: every stored sign-off with its verdict, and one sign-off's gates and block runs. */
import { html } from '../html.ts';
import { kindBadge, layout, when } from './layout.ts';
import type { SignoffRow } from '../../../harness/src/store/signoffs.ts';
import type { BlockRecord } from '../../../harness/src/signoff/evidence.ts';
import type { SignoffMeta } from '../../../harness/src/signoff/report.ts';

const verdictBadge = (v: string | null) => html`<span class="badge verdict-${v ?? 'running'}">${v ?? 'running'}</span>`;
const meta = (s: SignoffRow) => JSON.parse(s.meta_json) as SignoffMeta;

export function signoffsPage(signoffs: SignoffRow[], runs: Map<string, string[]>): string {
  const body = html`<p class="sub">${signoffs.length} sign-offs · candidate against baseline in ABBA blocks on the same devices; verify any with <code>rio-farm signoff verify</code></p>
<table class="grid" id="signoffs-table"><thead><tr><th>sign-off</th><th>verdict</th><th>started</th><th>candidate</th><th>baseline</th><th>devices</th><th>policy</th><th>runs</th></tr></thead><tbody>
${signoffs.map((s) => {
    const m = meta(s);
    const ids = runs.get(s.id) ?? [];
    return html`<tr><td><a href="/signoffs/${encodeURIComponent(s.id)}">${s.id}</a></td><td>${verdictBadge(s.verdict)}</td><td>${when(Number(s.created_at))}</td>
<td>${m.models.candidate.input} <code>${m.models.candidate.input_sha256.slice(0, 12)}</code></td><td>${m.models.baseline.input} <code>${m.models.baseline.input_sha256.slice(0, 12)}</code></td>
<td>${m.devices.length} ${kindBadge(Boolean(s.virtual_only))}</td><td><code>${s.policy_sha256.slice(0, 12)}</code></td>
<td>${ids.length} runs${ids.length ? html` (first <a href="/runs/${encodeURIComponent(ids[0]!)}">${ids[0]}</a>)` : ''}</td></tr>`;
  })}
</tbody></table>`;
  return layout({ title: 'Sign-offs', body });
}

export function signoffPage(s: SignoffRow, blocks: BlockRecord[]): string {
  const m = meta(s);
  const body = html`<p>${verdictBadge(s.verdict)} · started ${when(Number(s.created_at))} · policy <code>${s.policy_sha256}</code> · harness <code>${m.harness_commit ?? 'unknown'}</code></p>
<p>Candidate <b>${m.models.candidate.input}</b> (${m.models.candidate.input_kind}, APK <code>${m.models.candidate.apk_sha256.slice(0, 16)}</code>) ·
baseline <b>${m.models.baseline.input}</b> (${m.models.baseline.input_kind}, APK <code>${m.models.baseline.apk_sha256.slice(0, 16)}</code>)</p>
<p>Report: <code>${s.out_dir ?? ''}/report.json</code> (its gates are recomputed by <code>rio-farm signoff verify</code> from the runs below)</p>
<table class="grid" id="signoff-blocks"><thead><tr><th>device</th><th>unit</th><th>position</th><th>arm</th><th>retry</th><th>run</th><th>valid</th><th>thermal max</th><th>battery °C max</th><th>wall s</th></tr></thead><tbody>
${blocks.map((b) => html`<tr><td>${b.serial}</td><td>${b.unit}</td><td>${b.position}</td><td>${b.arm}</td><td>${b.retry}</td><td><a href="/runs/${encodeURIComponent(b.run_id)}">${b.run_id}</a></td>
<td>${b.valid ? 'yes' : html`no: ${b.invalid_reason ?? ''}`}</td><td>${b.thermal_max ?? '—'}</td><td>${b.battery_temp_max ?? '—'}</td><td>${(b.wall_ms / 1000).toFixed(1)}</td></tr>`)}
</tbody></table>`;
  return layout({ title: `Sign-off ${s.id}`, body });
}
