/**
 * The self-contained HTML report (no external resources: the farm may be offline and reports get
 * mailed around): run fingerprint, per device × lighting summary with CIs, per scenario results,
 * attempts and failures with evidence links, worst frames with quads drawn.
 */
import type { RunExport } from '../store/run-export.ts';
import type { AggregateRow } from '../store/rows.ts';
import { escapeMarkup } from '../render/markup.ts';
import { deviceLightingAggregates } from '../metrics/device-lighting.ts';
import { parseRunOptions, runAggregateOptions } from '../metrics/run-aggregate-options.ts';
import { frameRuleOf } from '../metrics/counted-frames.ts';
import { testCases } from './testcases.ts';
import type { WorstFrame } from './worst-frames.ts';

const n = (v: number | null | undefined, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const ci = (v: number | null, lo: number | null, hi: number | null, d = 1) => `${n(v, d)} <small>[${n(lo, d)}, ${n(hi, d)}]</small>`;

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}
.pass{color:#080}.fail,.product-failure{color:#c00;font-weight:bold}.infra-error{color:#a60;font-weight:bold}small{color:#777}
.frames{display:flex;flex-wrap:wrap;gap:12px}.frames figure{margin:0;width:480px}.frames figcaption{font-size:12px}
.banner{padding:8px 12px;border-radius:4px;display:inline-block}.b-passed{background:#dfd}.b-product_failure{background:#fdd}
.b-infra_failure,.b-aborted{background:#fed}.virtual{background:#eef;padding:1px 6px;border-radius:3px}`;

export function htmlReport(exp: RunExport, worst: readonly WorstFrame[]): string {
  const r = exp.run;
  const opts = parseRunOptions(r.options_json);
  const devName = new Map(exp.devices.map((d) => [d.serial, `${[d.manufacturer, d.model].filter(Boolean).join(' ')}`]));
  const deviceLighting = reportDeviceLighting(exp);
  const cases = testCases(exp);
  const failedAttempts = exp.attempts.filter((a) => a.outcome !== 'ok');
  return `<!doctype html><html><head><meta charset="utf-8"><title>rio-farm ${escapeMarkup(r.id)}</title><style>${CSS}</style></head><body>
<h1>rio-farm run ${escapeMarkup(r.id)}</h1>
<p><span class="banner b-${escapeMarkup(r.status)}">${escapeMarkup(r.status)} — exit ${escapeMarkup(r.exit_code)}</span>
 suite <b>${escapeMarkup(r.suite)}</b>, started ${escapeMarkup(new Date(r.started_at).toISOString())}, ${r.finished_at ? `${((r.finished_at - r.started_at) / 1000).toFixed(1)} s` : 'unfinished'}, host ${escapeMarkup(r.host)}</p>
<p>APK sha256 <code>${escapeMarkup(r.apk_sha256)}</code> (app ${escapeMarkup(r.app_version ?? '—')}, detector <code>${escapeMarkup((r.model_sha256 ?? '—').slice(0, 12))}</code>${r.quarter_turn_sha256 ? `, quarter turn <code>${escapeMarkup(r.quarter_turn_sha256.slice(0, 12))}</code>` : ', no quarter-turn classifier'}); threads ${escapeMarkup(opts.threads)}, delegate ${escapeMarkup(opts.delegate)}, warm-up ${escapeMarkup(opts.warmup)}, repeat ${escapeMarkup(opts.repeat)}${opts.shard ? ', sharded' : ''};
 labels ${escapeMarkup(Object.entries(exp.labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none')}.
 Latency statistics exclude thermal-flagged frames${frameRuleOf(opts).includeThermal ? ' (disabled for this run)' : ''}; CIs are bootstrap 95%.</p>
<h2>Devices</h2>
<table><tr><th class="l">serial</th><th class="l">device</th><th class="l">SoC</th><th class="l">ABI</th><th>SDK</th><th class="l">build</th><th class="l">install</th><th>frames pushed / skipped</th><th>health failures</th><th class="l">status</th></tr>
${exp.devices.map((d) => `<tr><td class="l">${escapeMarkup(d.serial)}</td><td class="l">${escapeMarkup(devName.get(d.serial))} ${d.virtual ? '<span class="virtual">virtual</span>' : ''}</td><td class="l">${escapeMarkup(d.soc)}</td><td class="l">${escapeMarkup(d.abi)}</td><td>${escapeMarkup(d.sdk)}</td><td class="l"><small>${escapeMarkup(d.build_fingerprint)}</small></td><td class="l">${escapeMarkup(d.install_action)} ${d.install_ms !== null ? `<small>${n(d.install_ms, 0)} ms</small>` : ''}</td><td>${escapeMarkup(d.push_files)} / ${escapeMarkup(d.push_skipped)}</td><td>${escapeMarkup(d.health_failures)}</td><td class="l">${escapeMarkup(d.status)} ${d.error_code ? `<small>${escapeMarkup(d.error_code)}: ${escapeMarkup(d.error_message)}</small>` : ''}</td></tr>`).join('\n')}
</table>
<h2>Per device and lighting</h2>
<table><tr><th class="l">device</th><th class="l">lighting</th><th>frames</th><th>latency n</th><th>thermal excl.</th><th>p50 ms [95% CI]</th><th>p90 ms</th><th>p99 ms</th><th>mean ± std</th><th>drop rate</th><th>IoU median</th><th>IoU mean [CI]</th><th>corner err px / %</th><th>detection</th><th>false det. rate</th></tr>
${deviceLighting.map((a) => `<tr><td class="l">${escapeMarkup(a.serial)}</td><td class="l">${escapeMarkup(a.lighting)}</td><td>${a.frames}</td><td>${a.latency_n}</td><td>${a.thermal_excluded}</td><td>${ci(a.p50, a.p50_lo, a.p50_hi)}</td><td>${n(a.p90)}</td><td>${n(a.p99)}</td><td>${n(a.mean)} ± ${n(a.std)}</td><td>${n(a.drop_rate, 3)}</td><td>${n(a.iou_median, 3)}</td><td>${ci(a.iou_mean, a.iou_mean_lo, a.iou_mean_hi, 3)}</td><td>${n(a.corner_err_px)} / ${n(a.corner_err_pct)}</td><td>${n(a.detection_rate, 3)}</td><td>${n(a.false_detection_rate, 3)}</td></tr>`).join('\n')}
</table>
<h2>Per device and scenario</h2>
<table><tr><th class="l">device</th><th class="l">scenario</th><th>frames</th><th>p50 ms [95% CI]</th><th>p90 ms [95% CI]</th><th>p99 ms</th><th>sustained fps</th><th>drop rate</th><th>IoU median</th><th>detection</th><th>false det.</th><th>thermal excl.</th><th>attempts</th><th class="l">result</th></tr>
${cases.map((c) => { const a = c.aggregate; return `<tr><td class="l">${escapeMarkup(c.device)}</td><td class="l">${escapeMarkup(c.scenario)}</td><td>${a?.frames ?? 0}</td><td>${a ? ci(a.p50, a.p50_lo, a.p50_hi) : '—'}</td><td>${a ? ci(a.p90, a.p90_lo, a.p90_hi) : '—'}</td><td>${n(a?.p99)}</td><td>${n(a?.sustained_fps)}</td><td>${n(a?.drop_rate, 3)}</td><td>${n(a?.iou_median, 3)}</td><td>${n(a?.detection_rate, 3)}</td><td>${n(a?.false_detection_rate, 3)}</td><td>${a?.thermal_excluded ?? 0}</td><td>${c.attempts.length}</td><td class="l ${c.outcome}">${escapeMarkup(c.outcome)} ${c.message ? `<small>${escapeMarkup(c.message)}</small>` : ''}</td></tr>`; }).join('\n')}
</table>
<h2>Failed attempts (${failedAttempts.length})</h2>
${failedAttempts.length ? `<table><tr><th class="l">scenario</th><th class="l">device</th><th>attempt</th><th class="l">outcome</th><th class="l">error</th><th class="l">evidence</th></tr>
${failedAttempts.map((a) => `<tr><td class="l">${escapeMarkup(a.scenario_id)}</td><td class="l">${escapeMarkup(a.serial)}</td><td>${a.attempt}</td><td class="l">${escapeMarkup(a.outcome)}</td><td class="l">${escapeMarkup(a.error_code)}: ${escapeMarkup(a.error_message)}</td><td class="l">${[a.logcat_path, a.results_path, a.crops_dir].filter(Boolean).map((p) => `<a href="${escapeMarkup(p)}">${escapeMarkup(p!.split('/').pop())}</a>`).join(' ') || escapeMarkup(a.evidence_dir)}</td></tr>`).join('\n')}</table>` : '<p>none</p>'}
<h2>Worst frames</h2>
<p>Green: true card quad. Red dashed: detections.</p>
<div class="frames">${worst.map((w) => `<figure>${w.dataUri ? `<img src="${w.dataUri}" width="480" alt="frame ${w.row.frame_index}">` : '<p>(frame image not in the local cache)</p>'}
<figcaption>${escapeMarkup(w.row.scenario_id)} #${w.row.frame_index} on ${escapeMarkup(w.row.serial)} — ${escapeMarkup(w.row.lighting)}; IoU ${n(w.row.iou, 3)}, ${w.row.detections} detection(s), ${w.row.false_detections} false; corner err ${n(w.row.corner_err_px)} px</figcaption></figure>`).join('\n')}</div>
</body></html>
`;
}

/** Device × lighting statistics over all scenarios with the run's own options (the dashboard's rows too). */
export function reportDeviceLighting(exp: RunExport): AggregateRow[] {
  return deviceLightingAggregates(exp.measurements, runAggregateOptions(exp.run.options_json));
}
