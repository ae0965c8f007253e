import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy, QUICK_POLICY_PATH } from './policy.ts';
import { judge } from './judge.ts';
import { UNIT_ORDER } from './blocks.ts';
import type { Block, FrameOutcome } from './evidence.ts';
import { seededRandom } from '../stats/bootstrap.ts';

const policy = { ...loadPolicy(QUICK_POLICY_PATH).policy, minimums: { frames: 10, seconds: 0, units: 2 } };
const facts = { candidate_bytes: 100, baseline_bytes: 100, parity: {} };

interface Shape {
  /** the candidate's cost factor (wall and CPU) */
  slow?: number;
  /** the candidate's IoU change in lighting 'night' */
  dIoU?: number;
  /** host load: wall time × this on the candidate's blocks only (CPU time unaffected) */
  candidateLoad?: number;
  /** relative per-frame CPU-time noise */
  cpuNoise?: number;
  /** the candidate's CPU-time factor in each unit (the host's state from unit to unit) */
  unitLevels?: number[];
  /** frames carry no t_infer_cpu (an app without a thread clock) */
  noCpu?: boolean;
}

/** Blocks of `units` ABBA units on one device. */
function blocks(units: number, { slow = 1, dIoU = 0, candidateLoad = 1, cpuNoise = 0.05, unitLevels = [], noCpu = false }: Shape = {}): Block[] {
  const rnd = seededRandom(3);
  const out: Block[] = [];
  for (let unit = 0; unit < units; unit++) {
    UNIT_ORDER.forEach((arm, position) => {
      const level = arm === 'candidate' ? unitLevels[unit] ?? 1 : 1;
      const frames: FrameOutcome[] = Array.from({ length: 40 }, (_, i) => {
        const lighting = i % 2 ? 'night' : 'daylight';
        const cand = arm === 'candidate';
        const cpu = 15 * level * (1 + cpuNoise * (2 * rnd() - 1)) * (cand ? slow : 1);
        const wall = (cpu + 5 + 5 * rnd()) * (cand ? candidateLoad : 1);
        const iou = 0.9 + (cand && lighting === 'night' ? dIoU : 0);
        return { key: `s#0#${i}`, lighting, negative: false, tTotal: wall, tInferCpu: noCpu ? null : cpu, cards: 1, matched: 1, iou, detections: 1, seen: true };
      });
      out.push({ serial: 'dev', unit, position, arm, run_id: `r${unit}${position}`, chunk: unit, retry: 0, valid: 1, invalid_reason: null,
        thermal_max: 0, battery_temp_max: 30, wall_ms: 1000, frames });
    });
  }
  return out;
}

const PHONE = false, VDEVICE = true;

test('equal latency and accuracy pass every gate', () => {
  const j = judge(blocks(4), policy, facts, PHONE);
  assert.equal(j.overall, 'PASS', JSON.stringify(j.gates.latency));
});

test('a candidate 30% slower fails latency on that device (the whole interval is past 1.05)', () => {
  const j = judge(blocks(4, { slow: 1.3 }), policy, facts, PHONE);
  assert.equal(j.gates.latency!.verdict, 'FAIL');
  assert.equal(j.overall, 'FAIL');
});

test('an IoU 0.05 lower in one lighting fails that device × lighting cell only', () => {
  const j = judge(blocks(4, { dIoU: -0.05 }), policy, facts, PHONE);
  const iou = j.gates.iou!.cells;
  assert.equal(iou.find((c) => c.lighting === 'night')!.verdict, 'FAIL');
  assert.equal(iou.find((c) => c.lighting === 'daylight')!.verdict, 'PASS');
});

test('a throttled (invalid) block removes its pair, and too few pairs leave the device INCONCLUSIVE, never PASS', () => {
  const b = blocks(1);
  b[1]!.valid = 0;
  const j = judge(b, policy, facts, PHONE);
  assert.equal(j.devices[0]!.valid_pairs, 1);
  assert.equal(j.gates.latency!.verdict, 'INCONCLUSIVE');
  assert.equal(j.overall, 'INCONCLUSIVE');
});

test('a model over the size ratio and a converted model over the parity bound fail their gates', () => {
  const j = judge(blocks(4), policy, { candidate_bytes: 200, baseline_bytes: 100, parity: { candidate: 0.5 } }, PHONE);
  assert.equal(j.gates.model_size!.verdict, 'FAIL');
  assert.equal(j.gates.parity!.verdict, 'FAIL');
});

test('on vdevices latency is judged on thread CPU time, so host load on the candidate\'s blocks alone does not fail it; the cell says so', () => {
  const loaded = blocks(6, { candidateLoad: 1.5 });
  const v = judge(loaded, policy, facts, VDEVICE).gates.latency!.cells[0]!;
  assert.equal(v.series, 't_infer_cpu');
  assert.match(v.series_reason!, /thread CPU time/);
  assert.equal(v.verdict, 'PASS', JSON.stringify(v));
  // The same frames from phones are judged on wall time, where that load is what the user waited.
  const p = judge(loaded, policy, facts, PHONE).gates.latency!.cells[0]!;
  assert.equal(p.series, 't_total');
  assert.equal(p.verdict, 'FAIL', JSON.stringify(p));
});

test('vdevice frames without t_infer_cpu fall back to wall time, and the cell says why', () => {
  const c = judge(blocks(4, { noCpu: true }), policy, facts, VDEVICE).gates.latency!.cells[0]!;
  assert.equal(c.series, 't_total');
  assert.match(c.series_reason!, /no t_infer_cpu/);
});

test('a candidate exactly at the margin (5% slower) FAILs once the interval is narrow enough to resolve the margin', () => {
  const c = judge(blocks(6, { slow: 1.05, cpuNoise: 0.01 }), policy, facts, VDEVICE).gates.latency!.cells[0]!;
  assert.ok(c.hi! - c.lo! <= 0.05, `narrow: ${c.lo}..${c.hi}`);
  assert.equal(c.verdict, 'FAIL', JSON.stringify(c));
});

test('a latency interval wider than the margin is INCONCLUSIVE, not FAIL, when its bound misses the margin', () => {
  // Units reading 0.98–1.12: the upper bound is past 1.05, but the interval is too wide to resolve 5%.
  const c = judge(blocks(4, { unitLevels: [0.98, 1.1, 1.02, 1.12], cpuNoise: 0.01 }), policy, facts, VDEVICE).gates.latency!.cells[0]!;
  assert.ok(c.hi! > 1.05 && c.hi! - c.lo! > 0.05, `wide: ${c.lo}..${c.hi}`);
  assert.equal(c.verdict, 'INCONCLUSIVE', JSON.stringify(c));
});
