import { describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import assert from 'node:assert/strict';
import { cornerShift, measureQuality, median, qualityBarMisses, type ConditionQuality, type QualityReport } from './quality.ts';
import { formatQuality } from './size-table.ts';
import { INPUT_SHAPE, type ModelRunner } from './model-runner.ts';
import type { EvalFrame } from './eval-frames.ts';
import { paintOutputs } from '../../cpp/synthetic-outputs.ts';
import type { Quad } from '../../../harness/src/metrics/quad.ts';

const row = (condition: string, iouMedian: number | null, extra: Partial<ConditionQuality> = {}): ConditionQuality =>
  ({ condition, cardFrames: 10, negativeFrames: 0, iouMedian, detectionRate: 1, falseDetectionRate: null, extraPerCardFrame: 0, cornerOrderAgreement: null, ...extra });

describe('model quality bar', () => {
  it('takes the median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  it('holds daylight to 0.90 and every other condition to 0.80', () => {
    const q: QualityReport = { rows: [row('daylight', 0.89), row('night', 0.81), row('glare', 0.79)], all: row('all', 0.85), scenarios: [], meanInferMs: 1, meanTurnMs: null };
    assert.deepEqual(qualityBarMisses(q), ['daylight: median IoU 0.890 < 0.9', 'glare: median IoU 0.790 < 0.8']);
  });

  it('fails a detection rate under 95% and false detections over 5%', () => {
    const q: QualityReport = { rows: [row('daylight', 0.95)], all: row('all', 0.95, { detectionRate: 0.94, negativeFrames: 20, falseDetectionRate: 0.1 }), scenarios: [], meanInferMs: 1, meanTurnMs: null };
    assert.deepEqual(qualityBarMisses(q), ['detection rate 94.0% < 95%', 'false detections 10.0% > 5%']);
  });
});

describe('quality per scenario', () => {
  it('groups frames by their scenario, so a condition\'s misses point at the scene that has them', async () => {
    const card: Quad = [[400, 200], [880, 200], [880, 480], [400, 480]];
    const frame = (id: string, condition: string): EvalFrame => ({ id, path: `${id}.jpg`, condition, negative: false, width: 1280, height: 720,
      cards: [{ quad: card, visible: 1 }], pixels: new Uint8Array(INPUT_SHAPE.reduce((a, b) => a * b, 1)) });
    // the runner sees a card in the first scenario's frames and nothing in the second's
    const frames = [frame('desk#0', 'daylight'), frame('desk#1', 'daylight'), frame('two-cards#0', 'daylight')];
    let call = 0;
    const runner: ModelRunner = {
      kind: 'onnx', bytes: 0, outputNames: ['heat', 'corners', 'mask'], close() {},
      async run() {
        const o = paintOutputs(1280, 720, call++ < 2 ? [{ quad: card, score: 0.9 }] : []);
        return { ms: 1, outputs: { heat: { data: o.heat, shape: o.heatShape }, corners: { data: o.corners, shape: o.cornersShape }, mask: { data: o.mask, shape: o.maskShape } } };
      },
    };
    const q = await measureQuality(runner, frames);
    assert.deepEqual(q.scenarios.map((s) => [s.scenario, s.condition, s.cardFrames, s.detectionRate]), [['desk', 'daylight', 2, 1], ['two-cards', 'daylight', 1, 0]]);
    assert.equal(q.rows[0]!.detectionRate, 2 / 3);
    assert.match(formatQuality(q, true), /\nscenario +card frames.*\ndesk +2 +[01]\.\d+ +100\.0%.*\ntwo-cards +1 +0\.000 +0\.0%/s);
  });
});

describe('corner order and extra quads', () => {
  const card: Quad = [[400, 200], [880, 200], [880, 480], [400, 480]];
  const rotated = (q: Quad, k: number): Quad => [0, 1, 2, 3].map((i) => q[(i + k) % 4]!) as unknown as Quad;
  const frame = (id: string, path = `${id}.jpg`): EvalFrame => ({ id, path, condition: 'daylight', negative: false, width: 1280, height: 720,
    cards: [{ quad: card, visible: 1 }], pixels: new Uint8Array(INPUT_SHAPE.reduce((a, b) => a * b, 1)) });

  it('finds the cyclic shift that aligns a detection with the card\'s own corner order', () => {
    for (let k = 0; k < 4; k++) assert.equal(cornerShift(rotated(card, k), card), k);
  });

  it('counts matched cards starting at their own top-left, and detections that match no card per card frame', async () => {
    const other: Quad = [[60, 60], [260, 60], [260, 170], [60, 170]];
    // frame 0: the card in its own order; frame 1: the card starting at its top-right, plus a quad elsewhere
    const painted = [[{ quad: card, score: 0.9 }], [{ quad: rotated(card, 1), score: 0.9 }, { quad: other, score: 0.8 }]];
    let call = 0;
    const runner: ModelRunner = {
      kind: 'onnx', bytes: 0, outputNames: ['heat', 'corners', 'mask'], close() {},
      async run() {
        const o = paintOutputs(1280, 720, painted[call++]!);
        return { ms: 1, outputs: { heat: { data: o.heat, shape: o.heatShape }, corners: { data: o.corners, shape: o.cornersShape }, mask: { data: o.mask, shape: o.maskShape } } };
      },
    };
    const q = await measureQuality(runner, [frame('a#0'), frame('a#1')]);
    assert.equal(q.all.detectionRate, 1);
    assert.equal(q.all.cornerOrderAgreement, 0.5);
    assert.equal(q.all.extraPerCardFrame, 0.5);
    assert.match(formatQuality(q), /extra\/frame +corner order/);
  });

  it('with a quarter-turn classifier, rolls each detection by its answer on the frame\'s crop (as the app does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rio-quality-turn-'));
    try {
      const path = join(dir, 'frame.jpg');
      await sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 90, g: 120, b: 60 } } }).jpeg().toFile(path);
      // both frames detect the card starting at its top-right (shift 1); the classifier answers 1 on
      // the second frame's crop only, so only that one is rolled back to the card's own top-left
      let call = 0, classified = 0;
      const runner: ModelRunner = {
        kind: 'onnx', bytes: 0, outputNames: ['heat', 'corners', 'mask'], close() {},
        async run() {
          call++;
          const o = paintOutputs(1280, 720, [{ quad: rotated(card, 1), score: 0.9 }]);
          return { ms: 1, outputs: { heat: { data: o.heat, shape: o.heatShape }, corners: { data: o.corners, shape: o.cornersShape }, mask: { data: o.mask, shape: o.maskShape } } };
        },
      };
      const classify = async (crop: Float32Array) => {
        assert.equal(crop.length, 64 * 64 * 3);
        return Float32Array.from(classified++ === 0 ? [3, 0, 0, 0] : [0, 3, 0, 0]);
      };
      const q = await measureQuality(runner, [frame('a#0', path), frame('a#1', path)], {}, classify);
      assert.equal(call, 2);
      assert.equal(classified, 2);
      assert.equal(q.all.cornerOrderAgreement, 0.5);
      assert.ok(q.meanTurnMs !== null && q.meanTurnMs > 0);
      assert.match(formatQuality(q), /mean quarter turn/);
      assert.equal((await measureQuality({ ...runner }, [frame('a#0', path)])).meanTurnMs, null, 'no classifier, no turn');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
