import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputOf, loadEvalFrames } from './evaluation/eval-frames.ts';
import { loadQuarterTurn, loadRunner, postprocess } from './evaluation/model-runner.ts';
import { decodeFrame } from '../host/frame-pipeline.ts';
import { quarterTurnCrop, turnUpright } from '../cpp/rio-core.ts';
import { measureParity } from './evaluation/parity.ts';
import { measureQuality } from './evaluation/quality.ts';

const release = join(import.meta.dirname, 'release');
const MAX_RELEASE_BYTES = 5 * 1024 * 1024;

describe('the committed release model', () => {
  it('keeps rio.onnx, rio.tflite and the quarter-turn classifier under 5 MB with the sha256 the README states', () => {
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    for (const file of ['rio.onnx', 'rio.tflite', 'quarter_turn.onnx', 'quarter_turn.tflite']) {
      const path = join(release, file);
      assert.ok(statSync(path).size <= MAX_RELEASE_BYTES, `${file} is ${statSync(path).size} bytes`);
      const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
      assert.ok(readme.includes(sha), `README.md does not state ${file}'s sha256 ${sha}`);
    }
  });

  it('agrees between ONNX and TFLite to 1e-4 on every smoke frame, with identical post-processed quads', async () => {
    const onnx = await loadRunner(join(release, 'rio.onnx'));
    const tflite = await loadRunner(join(release, 'rio.tflite'));
    try {
      const frames = await loadEvalFrames('smoke');
      const report = await measureParity(onnx, tflite, frames);
      assert.equal(report.frames, frames.length);
      for (const o of report.outputs) assert.ok(o.maxAbs <= 1e-4, `${o.output}: max abs ${o.maxAbs} on ${o.worstFrame}`);
      assert.equal(report.countMismatches, 0);
      if (report.quadIoUMin !== null) assert.ok(report.quadIoUMin > 0.99, `min quad IoU ${report.quadIoUMin}`);
    } finally {
      tflite.close();
    }
  });

  it('quarter_turn: ONNX and TFLite agree to 1e-4 on the core\'s crop of every smoke detection, so the app turns each quad as the reference does', async () => {
    const detector = await loadRunner(join(release, 'rio.tflite'));
    const onnx = await loadQuarterTurn(join(release, 'quarter_turn.onnx'));
    const tflite = await loadQuarterTurn(join(release, 'quarter_turn.tflite'));
    try {
      let crops = 0, maxAbs = 0, sameTurn = 0;
      for (const f of await loadEvalFrames('smoke')) {
        const detections = postprocess((await detector.run(inputOf(f))).outputs, f.width, f.height);
        const frame = await decodeFrame(f.path);
        for (const d of detections) {
          const c = quarterTurnCrop(frame.rgb, frame.width, frame.height, 3, d.quad);
          if (c.error) assert.fail(`${f.id}: ${c.error.message}`);
          const [a, b] = [await onnx.classify(c.crop), await tflite.classify(c.crop)];
          for (let k = 0; k < 4; k++) maxAbs = Math.max(maxAbs, Math.abs(a[k]! - b[k]!));
          const turn = (l: Float32Array) => { const t = turnUpright({ quad: d.quad, logits: l }); return t.error ? -1 : t.turns; };
          if (turn(a) === turn(b)) sameTurn++;
          crops++;
        }
      }
      assert.ok(crops > 10, `${crops} detections on smoke`);
      assert.ok(maxAbs <= 1e-4, `max abs logit difference ${maxAbs}`);
      assert.equal(sameTurn, crops, 'the same quarter turn for every detection');
      console.log(`quarter_turn parity on ${crops} smoke detections: max abs logit difference ${maxAbs.toExponential(2)}`);
    } finally {
      detector.close();
      tflite.close();
    }
  });

  it('finds the smoke cards through the shared post-processing, reporting quality per lighting condition', async () => {
    const tflite = await loadRunner(join(release, 'rio.tflite'));
    try {
      const frames = await loadEvalFrames('smoke');
      const q = await measureQuality(tflite, frames);
      const conditions = new Set(frames.map((f) => f.condition));
      assert.deepEqual(q.rows.map((r) => r.condition), [...conditions].sort());
      assert.equal(q.all.cardFrames + q.all.negativeFrames <= frames.length, true);
      assert.ok(q.all.negativeFrames > 0 && q.all.cardFrames > 0);
      assert.ok(q.meanInferMs > 0);
      // A floor under the committed model (measured: median 0.962, 100% found, 0 false on smoke),
      // so a broken export, conversion or post-processing change shows here.
      assert.ok(q.all.iouMedian! >= 0.85, `median crop IoU ${q.all.iouMedian}`);
      assert.ok(q.all.detectionRate! >= 0.9, `detection rate ${q.all.detectionRate}`);
      assert.equal(q.all.falseDetectionRate, 0);
    } finally {
      tflite.close();
    }
  });
});
