import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { junitXml } from './junit.ts';
import { summaryTable } from './summary-table.ts';
import type { RunExport } from '../store/run-export.ts';
import type { AggregateRow, AttemptRow, WorkItemRow } from '../store/rows.ts';

const item = (serial: string, scenario: string, status: WorkItemRow['status'], done: string | null): WorkItemRow =>
  ({ id: `r/${serial}/${scenario}/0`, run_id: 'r', slot_serial: serial, scenario_id: scenario, truth_sha256: 't', repeat_index: 0, seq: 0, status, done_attempt_id: done });
const attempt = (it: WorkItemRow, n: number, serial: string, outcome: AttemptRow['outcome'], code: string | null): AttemptRow => ({
  id: `${it.id}/a${n}`, run_id: 'r', item_id: it.id, attempt: n, serial, scenario_id: it.scenario_id, started_at: 1000 * n, finished_at: 1000 * n + 500,
  outcome, error_code: code, error_message: code ? 'went wrong <badly>' : null, evidence_dir: `attempts/${serial}/${it.scenario_id}-a${n}`,
  logcat_path: null, results_path: null, crops_dir: null, thermal_start: 0, thermal_end: 0, battery_temp_start: 30, battery_temp_end: 31,
  delegate_used: 'cpu', wall_ms: 400,
});
const agg = (serial: string, scenario: string, verdict: AggregateRow['verdict'], reason: string | null): AggregateRow => ({
  run_id: 'r', serial, scenario_id: scenario, lighting: '*', frames: 20, card_frames: 20, negative_frames: 0, latency_n: 20, thermal_excluded: 0,
  p50: 10, p50_lo: 9, p50_hi: 11, p90: 12, p90_lo: 11, p90_hi: 13, p99: 14, p99_lo: 13, p99_hi: 15, mean: 10, mean_lo: 9, mean_hi: 11, std: 1,
  infer_p50: 8, sustained_fps: 30, drop_rate: 0, iou_median: verdict === 'fail' ? 0.5 : 0.9, iou_mean: 0.9, iou_mean_lo: 0.85, iou_mean_hi: 0.95,
  corner_err_px: 2, corner_err_pct: 1, detection_rate: 1, false_detections: 0, false_detection_rate: null, verdict, verdict_reason: reason,
});

test('JUnit: a testcase per device × scenario; missed bar = failure, infrastructure = error, retried elsewhere = judged on the device that measured it', () => {
  const ok = item('A', 'day', 'done', 'r/A/day/0/a1');
  const bad = item('A', 'dim', 'done', 'r/A/dim/0/a1');
  const broken = item('B', 'day', 'failed', null);
  const moved = item('B', 'dim', 'done', 'r/B/dim/0/a2');
  const exp = {
    schema: 'rio-run/1', labels: {}, scenarios: [], scenario_frames: [], measurements: [], samples: [], events: [],
    run: { id: 'r', suite: 'smoke', status: 'infra_failure', exit_code: 2, started_at: 0, finished_at: 5000, host: 'h', out_dir: null,
      apk_sha256: null, app_version: null, model_sha256: null, options_json: '{}', virtual_only: 1 },
    devices: [], work_items: [ok, bad, broken, moved],
    attempts: [attempt(ok, 1, 'A', 'ok', null), attempt(bad, 1, 'A', 'ok', null), attempt(broken, 1, 'B', 'infra_error', 'APP_CRASH'),
      attempt(broken, 2, 'B', 'infra_error', 'APP_CRASH'), attempt(moved, 1, 'B', 'infra_error', 'DEVICE_GONE'), attempt(moved, 2, 'A', 'ok', null)],
    aggregates: [agg('A', 'day', 'pass', null), agg('A', 'dim', 'fail', 'median IoU 0.500 < 0.8')],
  } as unknown as RunExport;
  const xml = junitXml(exp);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  assert.equal(doc.testsuites.tests, '4');
  assert.equal(doc.testsuites.failures, '2');
  assert.equal(doc.testsuites.errors, '1');
  const cases = [doc.testsuites.testsuite].flat().flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Record<string, any>[];
  const byName = (cls: string, name: string) => cases.find((c) => c.classname.endsWith(cls) && c.name === name)!;
  assert.equal(byName('A', 'dim').failure.type, 'BELOW_BAR');
  assert.match(byName('B', 'day').error.message, /APP_CRASH: went wrong <badly> \(after 2 attempt/);
  assert.equal(byName('A', 'day').failure, undefined);
  assert.equal(byName('B', 'dim').failure.type, 'BELOW_BAR', 'measured on A, whose dim results missed the bar');
  assert.equal(byName('B', 'dim').error, undefined, 'the retry succeeded: not an infrastructure error');
  assert.match(byName('B', 'dim')['system-out'], /attempt 1 on B: infra_error DEVICE_GONE/);
  const table = summaryTable(exp);
  assert.match(table, /B\s+day .* infra-error: APP_CRASH/);
  assert.match(table, /run r infra_failure \(exit 2\)/);
});
