/**
 * The released models through the twin on a vdevice give exactly what the model tools compute for
 * the same frames (android-demo/model/evaluation: decode, the core's preprocess, LiteRT.js, the
 * core's post-processing, then the quarter-turn classifier on the core's crop of each detection and
 * the core's roll), so the device path adds nothing: model bytes out of the APK, frames via adb,
 * output-name mapping, frame order, corner order after the turn. The models' quality bars are their
 * own tests; the crop quality and corner order seen here are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildSuite, type BuiltScenario } from '../../scenarios/generator/index.ts';
import type { Quad } from '../../harness/src/metrics/quad.ts';
import { startTestFarm } from '../../harness/test-support/farm.ts';
import { matchCrops } from '../../harness/src/metrics/crop-match.ts';
import { loadQuarterTurn, loadRunner, postprocess } from '../model/evaluation/model-runner.ts';
import { decodedModelInput } from '../model/evaluation/frames.ts';
import { cornerShift } from '../model/evaluation/quality.ts';
import { ensureDemoApk, RELEASE_MODEL, RELEASE_QUARTER_TURN } from '../apk/index.ts';
import { validateResults } from '../contract/results-schema.ts';
import { decodeFrame } from './frame-pipeline.ts';
import { turnQuadsUpright } from './quarter-turn.ts';
import { installApk, runBenchmark } from './test-support/device-run.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * Smoke's card frames turned upside down (truth quads turned with them, still in the card's own order):
 * cards the detector's corner order often gets wrong, so the classifier's turns are exercised too.
 */
async function upsideDown(scenarios: readonly BuiltScenario[], dir: string): Promise<BuiltScenario> {
  const frames = [];
  for (const f of scenarios.flatMap((s) => s.frames).filter((f) => !f.negative)) {
    const path = join(dir, `${frames.length}.jpg`);
    await sharp(f.path).rotate(180).jpeg({ quality: 95 }).toFile(path);
    const turn = (q: Quad) => q.map(([x, y]) => [f.width - x, f.height - y]) as unknown as Quad;
    frames.push({ ...f, index: frames.length, path, sha256: sha256(path), cards: f.cards.map((c) => ({ ...c, quad: turn(c.quad) })) });
  }
  return { ...scenarios[0]!, id: 'smoke-upside-down', frames };
}

test('released models: the twin on a vdevice detects and turns exactly what the model tools compute', async () => {
  assert.ok(existsSync(RELEASE_MODEL), `${RELEASE_MODEL} is committed`);
  assert.ok(existsSync(RELEASE_QUARTER_TURN), `${RELEASE_QUARTER_TURN} is committed`);
  const suite = await buildSuite('smoke');
  const dir = mkdtempSync(join(tmpdir(), 'rio-upside-down-'));
  const scenarios = [...suite.scenarios, await upsideDown(suite.scenarios, dir)];
  const apk = await ensureDemoApk();
  assert.equal(apk.modelSource, 'release');
  assert.equal(apk.modelSha256, sha256(RELEASE_MODEL));
  assert.equal(apk.quarterTurnSha256, sha256(RELEASE_QUARTER_TURN));
  const reference = await loadRunner(RELEASE_MODEL);
  const quarterTurn = await loadQuarterTurn(RELEASE_QUARTER_TURN);
  const farm = await startTestFarm({ count: 1 });
  try {
    const serial = farm.serials[0]!;
    await installApk(farm, serial, apk.path);
    let cardFrames = 0, found = 0, falseOnNegatives = 0, compared = 0, turned = 0, matched = 0, ordered = 0;
    for (const [i, scenario] of scenarios.entries()) {
      const out = await runBenchmark(farm, serial, { runId: `smoke-${i}`, scenario: scenario.id, warmup: 0,
        frames: scenario.frames.map((f) => ({ index: f.index, path: f.path, sha256: f.sha256 })) });
      const r = validateResults(out.results, `smoke-${i}`);
      assert.equal(r.model.sha256, apk.modelSha256, 'the twin ran the APK\'s model');
      assert.equal(r.model.corner_order, 'quarter_turn');
      assert.equal(r.model.quarter_turn?.sha256, apk.quarterTurnSha256, 'and the APK\'s quarter-turn classifier');
      for (const f of r.frames) {
        const truth = scenario.frames.find((x) => x.index === f.index)!;
        const frame = await decodedModelInput(truth.path);
        const detected = postprocess((await reference.run(frame.input)).outputs, frame.width, frame.height);
        const upright = await turnQuadsUpright(await decodeFrame(truth.path), detected.map((d) => d.quad), quarterTurn.classify);
        if (upright.error) assert.fail(`${scenario.id} frame ${f.index}: ${upright.error.code}: ${upright.error.message}`);
        // what the app keeps: a classifier with a "not a card" logit may drop some
        const kept = detected.flatMap((d, k) => (upright.kept[k] ? [{ score: d.score, quad: upright.quads[k]!, turns: upright.turns[k]! }] : []));
        assert.equal(f.detections.length, kept.length, `${scenario.id} frame ${f.index}: detection count`);
        assert.equal(f.t_turn !== undefined, true, `${scenario.id} frame ${f.index}: the turn stage is timed`);
        f.detections.forEach((d, k) => {
          assert.ok(Math.abs(d.score - kept[k]!.score) < 1e-3, `${scenario.id} frame ${f.index}: score`);
          d.quad.forEach((p, c) => assert.ok(Math.hypot(p[0] - kept[k]!.quad[c]![0], p[1] - kept[k]!.quad[c]![1]) < 0.01,
            `${scenario.id} frame ${f.index}: corner ${c} after the quarter turn`));
        });
        turned += kept.filter((d) => d.turns !== 0).length;
        compared++;
        if (truth.negative) { if (f.detections.length) falseOnNegatives++; continue; }
        const m = matchCrops(f.detections, truth.cards);
        if (m.cards) { cardFrames++; if (m.matched === m.cards) found++; }
        for (const p of m.pairs) {
          if (p.detection === null) continue;
          matched++;
          if (cornerShift(f.detections[p.detection]!.quad, truth.cards[p.card]!.quad) === 0) ordered++;
        }
      }
    }
    assert.ok(compared >= scenarios.length);
    assert.ok(turned > 0, 'some quads were turned, so the comparison covers the turn');
    console.log(`smoke and smoke upside down through the twin: ${compared} frames identical to the model tools (${turned} quads turned by the classifier); `
      + `${found}/${cardFrames} card frames found, corner order ${ordered}/${matched} matched cards, ${falseOnNegatives} negatives with detections `
      + '(model quality: see the models\' own bars)');
  } finally {
    reference.close();
    quarterTurn.close();
    await farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
