import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { escapeMarkup } from './markup.ts';
import { uiDumpXml, screenRoot } from './ui-dump.ts';
import { quadOverlaySvg } from './quad-overlay.ts';
import { htmlReport } from '../report/html-report.ts';
import { junitXml } from '../report/junit.ts';
import { devicesPage } from '../../../server/src/views/lists-pages.ts';
import type { RunExport } from '../store/run-export.ts';

/** A device model as tampered firmware might report it: markup, both quotes, a backtick, an entity and a bell. */
const HOSTILE = `<img src=x onerror="alert('x')">\`&amp;\u0007`;
const ESCAPED = '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&#96;&amp;amp;';

function exportWithModel(model: string): RunExport {
  const item = { id: 'r/s1/day/0', run_id: 'r', slot_serial: 's1', scenario_id: 'day', truth_sha256: 't', repeat_index: 0, seq: 0,
    status: 'failed', done_attempt_id: null };
  return {
    schema: 'rio-run/1', labels: {}, scenarios: [], scenario_frames: [], measurements: [], samples: [], events: [], aggregates: [],
    run: { id: 'r', suite: 'smoke', status: 'infra_failure', exit_code: 2, started_at: 0, finished_at: 5000, host: 'h', out_dir: null,
      apk_sha256: null, app_version: null, model_sha256: null, options_json: '{}', virtual_only: 1 },
    devices: [{ run_id: 'r', serial: 's1', fingerprint_id: null, status: 'failed', install_action: null, install_ms: null, push_files: 0,
      push_skipped: 0, push_bytes: 0, push_ms: null, health_failures: 0, error_code: null, error_message: null,
      manufacturer: null, model, soc: null, abi: null, sdk: null, build_fingerprint: null, virtual: 1 }],
    work_items: [item],
    attempts: [{ id: `${item.id}/a1`, run_id: 'r', item_id: item.id, attempt: 1, serial: 's1', scenario_id: 'day', started_at: 1000,
      finished_at: 2000, outcome: 'infra_error', error_code: 'APP_CRASH', error_message: model, evidence_dir: null, logcat_path: null,
      results_path: null, crops_dir: null, thermal_start: null, thermal_end: null, battery_temp_start: null, battery_temp_end: null,
      delegate_used: null, wall_ms: null }],
  } as unknown as RunExport;
}

test('report.html, junit.xml, a dashboard page, a UI dump and an SVG overlay escape a hostile device string identically', () => {
  assert.equal(escapeMarkup(HOSTILE), ESCAPED);
  const exp = exportWithModel(HOSTILE);
  const outputs = {
    'report.html': htmlReport(exp, []),
    'junit.xml': junitXml(exp),
    '/devices page': devicesPage([{ serial: 's1', fingerprint_id: 'f', manufacturer: null, model: HOSTILE, soc: null, abi: null, sdk: null,
      build_fingerprint: null, virtual: true, first_seen: 0, last_seen: 0, quarantined_until: null, quarantine_reason: null, fingerprints: [] }]),
    'UI dump': uiDumpXml({ package: 'p', width: 10, height: 10, root: screenRoot(10, 10, [{ cls: 'android.widget.TextView', text: HOSTILE,
      bounds: { x1: 0, y1: 0, x2: 1, y2: 1 } }]) }),
    'SVG overlay': quadOverlaySvg({ width: 10, height: 10, stroke: 1, truth: [], detected: [], extra: `<text>${escapeMarkup(HOSTILE)}</text>` }),
  };
  for (const [name, out] of Object.entries(outputs)) {
    assert.ok(out.includes(ESCAPED), `${name} carries the string escaped by the one escaper`);
    assert.ok(!out.includes('<img src=x'), `${name} carries no live markup from it`);
    assert.ok(!out.includes('\u0007'), `${name} drops the control character XML forbids`);
  }
});

/** Source folders that render markup; a local `&amp;` replacement there is a second escaper. */
const ROOTS = ['harness/src', 'harness/vdevice', 'server/src', 'scenarios', 'android-demo/host', 'android-demo/contract'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.spec.ts') ? [p] : [];
  });
}

test('markup.ts is the only escaper: no other source replaces & with &amp;', () => {
  const root = join(import.meta.dirname, '../../..');
  const others = ROOTS.flatMap((r) => sources(join(root, r)))
    .filter((f) => !f.endsWith(join('render', 'markup.ts')) && readFileSync(f, 'utf8').includes("'&amp;'"))
    .map((f) => relative(root, f));
  assert.deepEqual(others, []);
});
