/**
 * The report's files: report.json (canonical JSON of {report, signature}), report.html (a
 * self-contained page) and junit.xml (a suite per gate, a testcase per cell; FAIL = <failure>,
 * INCONCLUSIVE = <skipped>, since it decides nothing either way).
 */
import { escapeMarkup } from '../render/markup.ts';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { publicKeyPem, signText } from './signing.ts';
import type { ReportBody } from './report.ts';
import type { GateCell } from './latency-gate.ts';

export interface SignedReport { report: ReportBody; signature: { algorithm: 'ed25519'; public_key: string; value: string } }

export function signReport(body: ReportBody, key: KeyObject): SignedReport {
  return { report: body, signature: { algorithm: 'ed25519', public_key: publicKeyPem(key), value: signText(key, canonicalJson(body)) } };
}

export interface ReportFiles { json: string; html: string; junit: string }

export function writeReportFiles(dir: string, signed: SignedReport): ReportFiles {
  mkdirSync(dir, { recursive: true });
  const files = { json: join(dir, 'report.json'), html: join(dir, 'report.html'), junit: join(dir, 'junit.xml') };
  writeFileSync(files.json, `${canonicalJson(signed)}\n`);
  writeFileSync(files.html, reportHtml(signed.report));
  writeFileSync(files.junit, reportJunit(signed.report));
  return files;
}

// The one escaper (render/markup.ts): device strings (serials, build fingerprints) reach report.html and junit.xml.
const esc = (s: unknown) => escapeMarkup(s ?? '—');
export const cellName = (c: GateCell) => [c.gate, c.device, c.lighting].filter((x) => x !== null).join(' · ');
export const cellFigures = (c: GateCell) =>
  `${c.series ? `${c.series}: ` : ''}estimate ${c.estimate ?? '—'} [${c.lo ?? '—'}, ${c.hi ?? '—'}] ${c.bound === 'upper' ? '≤' : '≥'} ${c.margin}${c.reason ? ` (${c.reason})` : ''}`;
/** A cell's note: why it is undecided, and for latency which series was judged and why. */
const cellNote = (c: GateCell) => [c.series ? `series ${c.series}: ${c.series_reason}; between-unit SD of log ratios ${c.unit_log_sd ?? '—'}` : null, c.reason ?? null]
  .filter((x) => x !== null).join('. ') || null;

function reportHtml(r: ReportBody): string {
  const rows = Object.values(r.gates).flatMap((g) => g.cells).map((c) =>
    `<tr class="${c.verdict}"><td>${esc(c.gate)}</td><td>${esc(c.device)}</td><td>${esc(c.lighting)}</td><td>${esc(c.estimate)}</td><td>${esc(c.lo)}</td><td>${esc(c.hi)}</td><td>${c.bound === 'upper' ? '≤' : '≥'} ${esc(c.margin)}</td><td>${esc(c.pairs)}</td><td>${esc(c.wilcoxon_frames?.p)}</td><td>${esc(c.verdict)}</td><td>${esc(cellNote(c))}</td></tr>`).join('\n');
  const devices = r.meta.devices.map((d) => `<tr><td>${esc(d.serial)}</td><td>${esc(d.manufacturer)} ${esc(d.model)}</td><td>${esc(d.build_fingerprint)}</td><td>${d.virtual ? 'virtual' : 'real'}</td></tr>`).join('\n');
  const m = r.meta.models;
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign-off ${esc(r.id)}: ${r.verdict}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}
.PASS td:nth-child(10){color:#070}.FAIL td:nth-child(10){color:#b00;font-weight:bold}.INCONCLUSIVE td:nth-child(10){color:#a60}</style></head><body>
<h1>Sign-off ${esc(r.id)} — ${esc(r.verdict)}</h1>
<p>Policy <b>${esc(r.policy.name)}</b> (sha256 ${esc(r.policy.sha256)}), suite ${esc(r.design.suite)}, bootstrap seed ${r.bootstrap.seed} × ${r.bootstrap.iterations}, ${esc(r.bootstrap.resampled)}; harness ${esc(r.meta.harness_commit)}; frames ${esc(r.meta.frame_manifest_sha256)}.</p>
<p>Candidate ${esc(m.candidate.input)} (${esc(m.candidate.input_kind)}, sha256 ${esc(m.candidate.input_sha256)}, APK ${esc(m.candidate.apk_sha256)})<br>
Baseline ${esc(m.baseline.input)} (${esc(m.baseline.input_kind)}, sha256 ${esc(m.baseline.input_sha256)}, APK ${esc(m.baseline.apk_sha256)})</p>
<h2>Devices</h2><table><tr><th>serial</th><th>model</th><th>build fingerprint</th><th>kind</th></tr>${devices}</table>
<h2>Gates</h2><table><tr><th>gate</th><th>device</th><th>lighting</th><th>estimate</th><th>lower</th><th>upper</th><th>margin</th><th>pairs</th><th>Wilcoxon p (frames)</th><th>verdict</th><th>note</th></tr>
${rows}</table>
<h2>Runs</h2><p>${r.runs.map((id) => `<a href="/runs/${encodeURIComponent(id)}">${esc(id)}</a>`).join(' ')}</p>
</body></html>\n`;
}

function reportJunit(r: ReportBody): string {
  const suites = Object.entries(r.gates).map(([name, g]) => {
    const cases = g.cells.map((c) => {
      const body = c.verdict === 'FAIL' ? `<failure message="${esc(cellFigures(c))}"/>` : c.verdict === 'INCONCLUSIVE' ? `<skipped message="INCONCLUSIVE: ${esc(cellFigures(c))}"/>` : '';
      return `    <testcase classname="signoff.${esc(name)}" name="${esc(cellName(c))}">${body}<system-out>${esc(cellFigures(c))}</system-out></testcase>`;
    });
    const failures = g.cells.filter((c) => c.verdict === 'FAIL').length, skipped = g.cells.filter((c) => c.verdict === 'INCONCLUSIVE').length;
    return `  <testsuite name="signoff ${esc(name)}" tests="${g.cells.length}" failures="${failures}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="signoff ${esc(r.id)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
