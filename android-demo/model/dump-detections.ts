/**
 * Writes a model's matched detections on a suite, for `train_quarter_turn.py --detections`: per card
 * matched by the harness rule (`matchCrops`), the camera frame's file, the detected quad as the app's
 * post-processing gives it, the truth quad and the detection's corner shift (`cornerShift`: 0 = it starts at
 * the card's own top-left) — so a quarter-turn classifier is scored on real detections, not on truth quads.
 *
 *   node --import tsx android-demo/model/dump-detections.ts --suite heldout --model android-demo/model/release/rio.onnx --out FILE
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSuite } from '../../scenarios/generator/index.ts';
import { matchCrops } from '../../harness/src/metrics/crop-match.ts';
import { decodedModelInput } from './evaluation/frames.ts';
import { loadRunner, postprocess } from './evaluation/model-runner.ts';
import { cornerShift } from './evaluation/quality.ts';

const { values } = parseArgs({ options: { suite: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' } } });
if (!values.suite || !values.model || !values.out) throw new Error('dump-detections: --suite NAME --model FILE --out FILE are required');

const runner = await loadRunner(values.model);
const matched: unknown[] = [];
try {
  for (const scenario of (await buildSuite(values.suite)).scenarios) {
    for (const f of scenario.frames) {
      if (f.negative) continue;
      const { outputs } = await runner.run((await decodedModelInput(f.path)).input);
      const detections = postprocess(outputs, f.width, f.height);
      for (const p of matchCrops(detections, f.cards).pairs) {
        if (p.detection === null) continue;
        const quad = detections[p.detection]!.quad, truth = f.cards[p.card]!.quad;
        matched.push({ scenario: scenario.id, path: f.path, quad, truth, shift: cornerShift(quad, truth), iou: p.iou });
      }
    }
  }
} finally {
  runner.close();
}
writeFileSync(values.out, JSON.stringify({ schema: 'rio-matched-detections/1', suite: values.suite, model: values.model, matched }));
console.log(`${matched.length} matched cards of ${values.suite} to ${values.out}`);
