/**
 * The released model through the twin on a vdevice gives exactly what the model tools compute for
 * the same frames (android-demo/model/evaluation: decode, the core's preprocess, LiteRT.js, the
 * core's post-processing), so the device path adds nothing: model bytes out of the APK, frames via
 * adb, output-name mapping, frame order. The model's quality bar is the model's own test; the crop
 * quality seen here is printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { buildSuite } from '../../scenarios/generator/index.ts';
import { startTestFarm } from '../../harness/test-support/farm.ts';
import { matchCrops } from '../../harness/src/metrics/crop-match.ts';
import { loadRunner, postprocess } from '../model/evaluation/model-runner.ts';
import { decodedModelInput } from '../model/evaluation/frames.ts';
import { ensureDemoApk, RELEASE_MODEL } from '../apk/index.ts';
import { validateResults } from '../contract/results-schema.ts';
import { installApk, runBenchmark } from './test-support/device-run.ts';

test('released model: the twin on a vdevice detects exactly what the model tools compute', async () => {
  assert.ok(existsSync(RELEASE_MODEL), `${RELEASE_MODEL} is committed`);
  const suite = await buildSuite('smoke');
  const apk = await ensureDemoApk();
  assert.equal(apk.modelSource, 'release');
  assert.equal(apk.modelSha256, createHash('sha256').update(readFileSync(RELEASE_MODEL)).digest('hex'));
  const reference = await loadRunner(RELEASE_MODEL);
  const farm = await startTestFarm({ count: 1 });
  try {
    const serial = farm.serials[0]!;
    await installApk(farm, serial, apk.path);
    let cardFrames = 0, found = 0, falseOnNegatives = 0, compared = 0;
    for (const [i, scenario] of suite.scenarios.entries()) {
      const out = await runBenchmark(farm, serial, { runId: `smoke-${i}`, scenario: scenario.id, warmup: 0,
        frames: scenario.frames.map((f) => ({ index: f.index, path: f.path, sha256: f.sha256 })) });
      const r = validateResults(out.results, `smoke-${i}`);
      assert.equal(r.model.sha256, apk.modelSha256, 'the twin ran the APK\'s model');
      for (const f of r.frames) {
        const truth = scenario.frames.find((x) => x.index === f.index)!;
        const frame = await decodedModelInput(truth.path);
        const want = postprocess((await reference.run(frame.input)).outputs, frame.width, frame.height);
        assert.equal(f.detections.length, want.length, `${scenario.id} frame ${f.index}: detection count`);
        f.detections.forEach((d, k) => {
          assert.ok(Math.abs(d.score - want[k]!.score) < 1e-3, `${scenario.id} frame ${f.index}: score`);
          d.quad.forEach((p, c) => assert.ok(Math.hypot(p[0] - want[k]!.quad[c]![0], p[1] - want[k]!.quad[c]![1]) < 0.01,
            `${scenario.id} frame ${f.index}: corner ${c}`));
        });
        compared++;
        if (truth.negative) { if (f.detections.length) falseOnNegatives++; continue; }
        const m = matchCrops(f.detections, truth.cards);
        if (m.cards) { cardFrames++; if (m.matched === m.cards) found++; }
      }
    }
    assert.ok(compared >= suite.scenarios.length);
    console.log(`smoke through the twin: ${compared} frames identical to the model tools; ${found}/${cardFrames} card frames found, ${falseOnNegatives} negatives with detections (model quality: see the model's own bar)`);
  } finally {
    reference.close();
    await farm.stop();
  }
});
