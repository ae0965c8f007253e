import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy, QUICK_POLICY_PATH } from './policy.ts';
import { judge } from './judge.ts';
import { UNIT_ORDER } from './blocks.ts';
import type { Block, FrameOutcome } from './evidence.ts';
import { seededRandom } from '../stats/bootstrap.ts';

const policy = { ...loadPolicy(QUICK_POLICY_PATH).policy, minimums: { frames: 10, seconds: 0, units: 2 } };
const facts = { candidate_bytes: 100, baseline_bytes: 100, parity: {} };

/** Blocks of `units` ABBA units on one device; the candidate's latency × slow, its IoU + dIoU in lighting 'night'. */
function blocks(units: number, slow: number, dIoU: number): Block[] {
  const rnd = seededRandom(3);
  const out: Block[] = [];
  for (let unit = 0; unit < units; unit++) {
    UNIT_ORDER.forEach((arm, position) => {
      const frames: FrameOutcome[] = Array.from({ length: 40 }, (_, i) => {
        const lighting = i % 2 ? 'night' : 'daylight';
        const base = 20 + 5 * rnd();
        const iou = 0.9 + (arm === 'candidate' && lighting === 'night' ? dIoU : 0);
        return { key: `s#0#${i}`, lighting, negative: false, tTotal: arm === 'candidate' ? base * slow : base, cards: 1, matched: 1, iou, detections: 1, seen: true };
      });
      out.push({ serial: 'dev', unit, position, arm, run_id: `r${unit}${position}`, chunk: unit, retry: 0, valid: 1, invalid_reason: null,
        thermal_max: 0, battery_temp_max: 30, wall_ms: 1000, frames });
    });
  }
  return out;
}

test('equal latency and accuracy pass every gate', () => {
  const j = judge(blocks(4, 1, 0), policy, facts);
  assert.equal(j.overall, 'PASS', JSON.stringify(j.gates.latency));
});

test('a candidate 30% slower fails latency on that device (the whole interval is past 1.05)', () => {
  const j = judge(blocks(4, 1.3, 0), policy, facts);
  assert.equal(j.gates.latency!.verdict, 'FAIL');
  assert.equal(j.overall, 'FAIL');
});

test('an IoU 0.05 lower in one lighting fails that device × lighting cell only', () => {
  const j = judge(blocks(4, 1, -0.05), policy, facts);
  const iou = j.gates.iou!.cells;
  assert.equal(iou.find((c) => c.lighting === 'night')!.verdict, 'FAIL');
  assert.equal(iou.find((c) => c.lighting === 'daylight')!.verdict, 'PASS');
});

test('a throttled (invalid) block removes its pair, and too few pairs leave the device INCONCLUSIVE, never PASS', () => {
  const b = blocks(1, 1, 0);
  b[1]!.valid = 0;
  const j = judge(b, policy, facts);
  assert.equal(j.devices[0]!.valid_pairs, 1);
  assert.equal(j.gates.latency!.verdict, 'INCONCLUSIVE');
  assert.equal(j.overall, 'INCONCLUSIVE');
});

test('a model over the size ratio and a converted model over the parity bound fail their gates', () => {
  const j = judge(blocks(4, 1, 0), policy, { candidate_bytes: 200, baseline_bytes: 100, parity: { candidate: 0.5 } });
  assert.equal(j.gates.model_size!.verdict, 'FAIL');
  assert.equal(j.gates.parity!.verdict, 'FAIL');
});
