import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, type RunSide } from './compare-runs.ts';
import { seededRandom } from '../stats/bootstrap.ts';
import type { MeasurementRow, RunDeviceView } from '../store/rows.ts';

const device = (serial: string, model = 'Pixel 7 Virtual', virtual = 1): RunDeviceView => ({
  run_id: 'x', serial, fingerprint_id: null, status: 'done', install_action: null, install_ms: null, push_files: null, push_skipped: null,
  push_bytes: null, push_ms: null, health_failures: 0, error_code: null, error_message: null,
  manufacturer: 'Google', model, soc: null, abi: null, sdk: null, build_fingerprint: null, virtual,
});
function side(id: string, serial: string, n: number, latency: (r: () => number) => number, iou: (r: () => number) => number, seed: number, lighting = 'plain',
  dev: RunDeviceView = device(serial)): RunSide {
  const rnd = seededRandom(seed);
  const measurements: MeasurementRow[] = Array.from({ length: n }, (_, i) => ({
    attempt_id: `${id}/a`, run_id: id, serial, scenario_id: 's', repeat_index: 0, frame_index: i, lighting, negative: 0,
    t_decode: 1, t_pre: 1, t_infer: 1, t_post: 1, t_total: latency(rnd), dropped: 0, thermal_flag: 0, detections: 1, matched: 1, cards: 1,
    iou: iou(rnd), corner_err_px: 1, corner_err_pct: 1, false_detections: 0, detections_json: null, error: null,
  }));
  return { id, devices: [dev], measurements };
}

test('a 20% slower run with the same IoU is worse on latency and unchanged on IoU', () => {
  const a = side('A', '127.0.0.1:1', 200, (r) => 20 + r() * 4, (r) => 0.9 + r() * 0.02, 1);
  const b = side('B', '127.0.0.1:2', 200, (r) => 24 + r() * 4.8, (r) => 0.9 + r() * 0.02, 2);
  const cells = compareRuns(a, b);
  assert.deepEqual(cells.map((c) => [c.device, c.lighting]), [['Google Pixel 7 Virtual', '*'], ['Google Pixel 7 Virtual', 'plain']],
    'vdevices with new serials are matched by model');
  const c = cells[1]!;
  assert.equal(c.latency.verdict, 'worse');
  assert.ok(c.latency.lo! > 0 && c.latency.diff! > 3);
  assert.equal(c.iou.verdict, 'no significant change');
});

test('better IoU is better; identical distributions are no significant change; few samples are insufficient', () => {
  const a = side('A', 's1', 100, (r) => 20 + r(), (r) => 0.7 + r() * 0.05, 3);
  const better = side('B', 's1', 100, (r) => 20 + r(), (r) => 0.85 + r() * 0.05, 4);
  const c = compareRuns(a, better)[0]!;
  assert.equal(c.device, 's1', 'the same serial in both runs is compared with itself');
  assert.equal(c.iou.verdict, 'better');
  assert.equal(c.latency.verdict, 'no significant change');
  const few = side('B', 's1', 5, (r) => 40 + r(), (r) => 0.1, 5);
  assert.equal(compareRuns(a, few)[0]!.latency.verdict, 'insufficient data');
  const onlyA = compareRuns(a, side('B', 's1', 100, (r) => 20 + r(), (r) => 0.7, 6, 'dim')).find((x) => x.lighting === 'plain')!;
  assert.equal(onlyA.latency.nB, 0);
  assert.equal(onlyA.latency.verdict, 'insufficient data');
});

test('a shift smaller than the practical threshold is no significant change even when the CI excludes 0', () => {
  const a = side('A', 's1', 1500, (r) => 100 + r(), () => 0.9, 7);
  const b = side('B', 's1', 1500, (r) => 100.5 + r(), () => 0.9, 8); // +0.5% on the median
  const c = compareRuns(a, b)[0]!;
  assert.ok(c.latency.lo! > 0, 'statistically clear');
  assert.equal(c.latency.verdict, 'no significant change');
});

test('virtual and real devices are never compared, not even with the same model label or serial', () => {
  const lat = (r: () => number) => 20 + r(), iou = (r: () => number) => 0.8 + r() * 0.05;
  // A real phone whose model name says "Virtual" gets the same label as the vdevice profile.
  const a = side('A', '127.0.0.1:1', 100, lat, iou, 9);
  const b = side('B', 'R5CT1', 100, (r) => 40 + r(), iou, 10, 'plain', device('R5CT1', 'Pixel 7 Virtual', 0));
  const cells = compareRuns(a, b).filter((c) => c.lighting === 'plain');
  assert.equal(cells.length, 2, 'one one-sided cell per kind');
  const v = cells.find((c) => c.virtual === true)!, real = cells.find((c) => c.virtual === false)!;
  assert.equal(v.device, real.device, 'same label');
  assert.deepEqual([v.serials, real.serials], [{ a: ['127.0.0.1:1'], b: [] }, { a: [], b: ['R5CT1'] }]);
  assert.deepEqual([v.latency.nA, v.latency.nB, real.latency.nA, real.latency.nB], [100, 0, 0, 100]);
  assert.ok(cells.every((c) => c.latency.verdict === 'insufficient data' && c.iou.verdict === 'insufficient data'));
  // An emulator reachable at the serial a vdevice had: same serial, other kind, still two cells.
  const emu = side('B', '127.0.0.1:1', 100, (r) => 40 + r(), iou, 11, 'plain', device('127.0.0.1:1', 'Pixel 7', 0));
  const byKind = compareRuns(a, emu).filter((c) => c.lighting === 'plain');
  assert.deepEqual(byKind.map((c) => [c.device, c.virtual, c.latency.verdict]).sort(),
    [['Google Pixel 7 Virtual', true, 'insufficient data'], ['Google Pixel 7', false, 'insufficient data']]);
  // The control: the same vdevice model in both runs is compared (and the slowdown found).
  const vb = side('B', '127.0.0.1:2', 100, (r) => 40 + r(), iou, 12);
  const same = compareRuns(a, vb).filter((c) => c.lighting === 'plain');
  assert.equal(same.length, 1);
  assert.deepEqual(same[0]!.serials, { a: ['127.0.0.1:1'], b: ['127.0.0.1:2'] });
  assert.equal(same[0]!.latency.verdict, 'worse');
});
