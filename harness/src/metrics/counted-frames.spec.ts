import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyOf, countsForLatency, frameRuleOf, thermalExcluded, type AccuracyFrame, type LatencyFrame } from './counted-frames.ts';

const timed = (over: Partial<LatencyFrame> = {}): LatencyFrame => ({ dropped: 0, error: null, t_total: 10, thermal_flag: 0, ...over });
const card = (over: Partial<AccuracyFrame> = {}): AccuracyFrame => ({ dropped: 0, negative: 0, cards: 1, matched: 1, iou: 0.9, detections: 1, ...over });

test('latency counts frames that ran, thermal-flagged ones only when the run included them', () => {
  const excl = frameRuleOf({}), incl = frameRuleOf({ includeThermal: true });
  const hot = timed({ thermal_flag: 1 });
  assert.deepEqual([countsForLatency(hot, excl), thermalExcluded(hot, excl)], [false, true]);
  assert.deepEqual([countsForLatency(hot, incl), thermalExcluded(hot, incl)], [true, false]);
  for (const never of [timed({ dropped: 1 }), timed({ error: 'INFERENCE_FAILED: x' }), timed({ t_total: null })]) {
    assert.equal(countsForLatency({ ...never, thermal_flag: 1 }, incl), false);
    assert.equal(thermalExcluded({ ...never, thermal_flag: 1 }, excl), false, 'a frame that never ran is not "thermal excl."');
  }
  assert.equal(frameRuleOf({ includeThermal: 'yes' }).includeThermal, false, 'only a stored true includes them');
});

test('a dropped frame is no missed card, an errored one is; negatives count false detections', () => {
  const a = accuracyOf([
    card({ iou: 0.8 }), card({ dropped: 1, matched: 0, iou: 0, detections: 0 }), // dropped: never looked at
    card({ matched: 0, iou: null, detections: 0 }), // errored or missed: IoU 0
    card({ negative: 1, cards: 0, matched: 0, iou: null, detections: 2 }), card({ negative: 1, cards: 0, matched: 0, iou: null, detections: 0 }),
    card({ negative: 1, cards: 0, matched: 0, iou: null, detections: 1, dropped: 1 }),
    card({ cards: 0, matched: 0, iou: null, detections: 0 }), // card mostly out of frame: not required
  ]);
  assert.deepEqual(a, { card_frames: 2, negative_frames: 2, ious: [0, 0.8], detection_rate: 0.5, false_detection_rate: 0.5 });
});
