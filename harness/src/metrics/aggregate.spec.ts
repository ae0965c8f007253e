import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeAggregates } from './aggregate.ts';
import { DEFAULT_BARS, parseBars } from './quality-bars.ts';
import type { MeasurementRow } from '../store/rows.ts';

const row = (i: number, over: Partial<MeasurementRow> = {}): MeasurementRow => ({
  attempt_id: 'a', run_id: 'r', serial: 's', scenario_id: 'sc', repeat_index: 0, frame_index: i, lighting: 'plain',
  negative: 0, t_decode: 1, t_pre: 1, t_infer: 8, t_post: 1, t_total: 10 + i, dropped: 0, thermal_flag: 0,
  detections: 1, matched: 1, cards: 1, iou: 0.9, corner_err_px: 2, corner_err_pct: 1, false_detections: 0,
  detections_json: null, error: null, ...over,
});

test('percentiles, thermal exclusion and drop rate per lighting plus a whole-scenario row', () => {
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => row(i)),                                   // t_total 10..19
    row(10, { thermal_flag: 1, t_total: 500 }), row(11, { dropped: 1, t_total: 0 }),
    row(12, { lighting: 'dim', negative: 1, cards: 0, matched: 0, iou: null, detections: 1, false_detections: 1 }),
  ];
  const aggs = computeAggregates(rows, { bars: DEFAULT_BARS });
  assert.deepEqual(aggs.map((a) => a.lighting), ['*', 'dim', 'plain']);
  const plain = aggs.find((a) => a.lighting === 'plain')!;
  assert.equal(plain.frames, 12);
  assert.equal(plain.latency_n, 10);
  assert.equal(plain.thermal_excluded, 1);
  assert.equal(plain.p50, 14.5);
  assert.ok(Math.abs(plain.p90! - 18.1) < 1e-9);
  assert.ok(plain.p50_lo! <= plain.p50! && plain.p50! <= plain.p50_hi!);
  assert.ok(Math.abs(plain.drop_rate! - 1 / 12) < 1e-12);
  assert.equal(plain.verdict, 'pass');
  const all = aggs.find((a) => a.lighting === '*')!;
  assert.equal(all.false_detection_rate, 1);
  assert.equal(all.verdict, 'fail');
  assert.match(all.verdict_reason!, /false detection rate/);
  const withThermal = computeAggregates(rows, { bars: DEFAULT_BARS, includeThermal: true }).find((a) => a.lighting === 'plain')!;
  assert.equal(withThermal.latency_n, 11);
});

test('median IoU below the bar fails the cell; paced replay reports sustained fps from drops', () => {
  const rows = Array.from({ length: 8 }, (_, i) => row(i, { iou: 0.5, dropped: i < 2 ? 1 : 0 }));
  const a = computeAggregates(rows, { bars: parseBars(['iou_median=0.8']), replayFps: new Map([['sc', 20]]) })[0]!;
  assert.equal(a.verdict, 'fail');
  assert.match(a.verdict_reason!, /median IoU 0\.500 < 0\.8/);
  assert.equal(a.sustained_fps, 15);
  assert.equal(computeAggregates(rows, { bars: parseBars(['iou_median=0.4']) })[0]!.verdict, 'pass');
  assert.throws(() => parseBars(['speed=3']), /unknown quality bar/);
});

test('a dropped frame counts in the drop rate, not as a missed card or a false detection', () => {
  const rows = [
    ...Array.from({ length: 6 }, (_, i) => row(i)),
    ...Array.from({ length: 6 }, (_, i) => row(6 + i, { dropped: 1, t_total: null, detections: 0, matched: 0, iou: 0, corner_err_px: null, corner_err_pct: null })),
    row(12, { negative: 1, cards: 0, matched: 0, iou: null, detections: 0, false_detections: 0 }),
    row(13, { negative: 1, cards: 0, matched: 0, iou: null, detections: 0, dropped: 1, t_total: null }),
  ];
  const a = computeAggregates(rows, { bars: DEFAULT_BARS, replayFps: new Map([['sc', 30]]) }).find((x) => x.lighting === 'plain')!;
  assert.equal(a.frames, 14);
  assert.equal(a.card_frames, 6);
  assert.equal(a.negative_frames, 1);
  assert.equal(a.detection_rate, 1);
  assert.equal(a.iou_median, 0.9);
  assert.ok(Math.abs(a.drop_rate! - 7 / 14) < 1e-12);
  assert.equal(a.sustained_fps, 15);
  assert.equal(a.verdict, 'pass');
  // with a drop-rate bar the same cell fails, for the right reason
  const barred = computeAggregates(rows, { bars: parseBars(['drop_rate=0.1']), replayFps: new Map([['sc', 30]]) }).find((x) => x.lighting === 'plain')!;
  assert.match(barred.verdict_reason!, /drop rate 0\.500 > 0\.1/);
});

test('inference CPU time: p50/p90 with CIs over the latency frames that carry it; none carried, null — never 0', () => {
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => row(i, { t_infer_cpu: 5 + i })),      // 5..14
    row(10, { thermal_flag: 1, t_infer_cpu: 400 }),                               // thermal-flagged: out, as for wall latency
    row(11, { dropped: 1, t_total: 0, t_infer_cpu: null }),
    row(12, { t_infer_cpu: null }),                                               // an app without a thread clock
  ];
  const plain = computeAggregates(rows, { bars: DEFAULT_BARS }).find((a) => a.lighting === 'plain')!;
  assert.equal(plain.infer_cpu_p50, 9.5);
  assert.ok(Math.abs(plain.infer_cpu_p90! - 13.1) < 1e-9);
  assert.ok(plain.infer_cpu_p50_lo! <= 9.5 && 9.5 <= plain.infer_cpu_p50_hi!);
  assert.ok(plain.infer_cpu_p90_lo! <= plain.infer_cpu_p90! && plain.infer_cpu_p90! <= plain.infer_cpu_p90_hi!);
  const old = computeAggregates([row(0), row(1)], { bars: DEFAULT_BARS })[0]!;
  assert.deepEqual([old.infer_cpu_p50, old.infer_cpu_p90, old.infer_cpu_p50_lo], [null, null, null]);
});

test('a scenario under one lighting: its whole-scenario row is that lighting\'s row relabelled; under two, its own figures over both', () => {
  const one = computeAggregates(Array.from({ length: 30 }, (_, i) => row(i, { iou: 0.8 + i / 200 })), { bars: DEFAULT_BARS });
  const [all, plain] = [one.find((a) => a.lighting === '*')!, one.find((a) => a.lighting === 'plain')!];
  assert.deepEqual({ ...all, lighting: 'plain' }, plain, 'the same frames give the same figures and CIs');
  const two = computeAggregates(Array.from({ length: 30 }, (_, i) => row(i, { lighting: i % 2 ? 'dim' : 'plain', iou: 0.8 + i / 200 })), { bars: DEFAULT_BARS });
  const both = two.find((a) => a.lighting === '*')!;
  assert.equal(both.frames, 30);
  assert.equal(both.p50, 24.5);
  assert.notDeepEqual([both.p50_lo, both.p50_hi], [two.find((a) => a.lighting === 'dim')!.p50_lo, two.find((a) => a.lighting === 'dim')!.p50_hi]);
});
