import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWorstFrameCandidate, worseFirst, WorstFrameList, type FrameOutcome } from './worst-frame-choice.ts';

const frame = (i: number, over: Partial<FrameOutcome> = {}): FrameOutcome => ({
  serial: i % 2 ? 'a' : 'b', scenario_id: `s${i % 3}`, attempt_id: `r/a${i}`, frame_index: i, cards: 1, iou: 0.9 - (i % 5) * 0.1,
  false_detections: 0, dropped: 0, error: null, ...over,
});

test('the streaming list the run page keeps equals the sorted choice the report makes, in any row order', () => {
  const rows = [...Array.from({ length: 30 }, (_, i) => frame(i)),
    frame(40, { cards: 0, iou: null, false_detections: 1 }), // a false detection on a card-free frame: fully wrong
    frame(41, { iou: 0, dropped: 1 }), frame(42, { iou: 0, error: 'APP_CRASH' }), // not processed: never chosen
    frame(43, { cards: 0, iou: null })]; // nothing to find, nothing found
  const expected = rows.filter(isWorstFrameCandidate).sort(worseFirst).slice(0, 4);
  for (const order of [rows, [...rows].reverse(), [...rows].sort((x, y) => x.attempt_id.localeCompare(y.attempt_id))]) {
    const kept = new WorstFrameList<FrameOutcome>(4);
    order.forEach((r) => kept.offer(r));
    assert.deepEqual(kept.frames, expected);
  }
  assert.equal(expected[0]!.frame_index, 40, 'the false detection on a negative frame is worst');
  assert.ok(!expected.some((f) => f.frame_index === 41 || f.frame_index === 42 || f.frame_index === 43));
});
