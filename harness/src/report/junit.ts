/**
 * JUnit XML: a testsuite per device, a testcase per scenario; a missed quality bar is a <failure>,
 * an infrastructure problem an <error> — CI dashboards then tell "the model got worse" from "the
 * farm broke". Retries show as flaky notes in system-out.
 */
import type { RunExport } from '../store/run-export.ts';
import { testCases } from './testcases.ts';
import { escapeMarkup } from '../render/markup.ts';


export function junitXml(exp: RunExport): string {
  const cases = testCases(exp);
  const devices = [...new Set(cases.map((c) => c.device))];
  const model = new Map(exp.devices.map((d) => [d.serial, [d.manufacturer, d.model].filter(Boolean).join(' ') || d.serial]));
  const suites = devices.map((dev) => {
    const mine = cases.filter((c) => c.device === dev);
    const failures = mine.filter((c) => c.outcome === 'product-failure').length;
    const errors = mine.filter((c) => c.outcome === 'infra-error').length;
    const time = mine.reduce((s, c) => s + c.seconds, 0);
    const body = mine.map((c) => {
      const a = c.aggregate;
      const summary = a ? `frames=${a.frames} p50=${a.p50?.toFixed(2)}ms p90=${a.p90?.toFixed(2)}ms iou_median=${a.iou_median?.toFixed(3)} detection_rate=${a.detection_rate?.toFixed(3)} thermal_excluded=${a.thermal_excluded}` : '';
      const retries = c.attempts.filter((x) => x.outcome !== 'ok').map((x) => `attempt ${x.attempt} on ${x.serial}: ${x.outcome} ${x.error_code ?? ''} ${x.error_message ?? ''} (evidence: ${x.evidence_dir})`);
      const out = [summary, ...retries].filter(Boolean).join('\n');
      const inner = c.outcome === 'product-failure' ? `<failure type="BELOW_BAR" message="${escapeMarkup(c.message ?? '')}"/>`
        : c.outcome === 'infra-error' ? `<error type="${escapeMarkup(c.message?.split(':')[0] ?? 'INFRA')}" message="${escapeMarkup(c.message ?? '')}"/>`
          : c.outcome === 'no-data' ? `<skipped message="${escapeMarkup(c.message ?? '')}"/>` : '';
      return `    <testcase classname="${escapeMarkup(`${model.get(dev) ?? dev}.${dev}`)}" name="${escapeMarkup(c.scenario)}" time="${c.seconds.toFixed(3)}">` +
        `${inner}${out ? `<system-out>${escapeMarkup(out)}</system-out>` : ''}</testcase>`;
    });
    return `  <testsuite name="${escapeMarkup(`${exp.run.suite} on ${model.get(dev) ?? dev} (${dev})`)}" tests="${mine.length}" failures="${failures}" errors="${errors}" ` +
      `skipped="${mine.filter((c) => c.outcome === 'no-data').length}" time="${time.toFixed(3)}" timestamp="${new Date(exp.run.started_at).toISOString()}">\n${body.join('\n')}\n  </testsuite>`;
  });
  const totals = { tests: cases.length, failures: cases.filter((c) => c.outcome === 'product-failure').length, errors: cases.filter((c) => c.outcome === 'infra-error').length };
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rio-farm ${escapeMarkup(exp.run.id)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}">\n${suites.join('\n')}\n</testsuites>\n`;
}
