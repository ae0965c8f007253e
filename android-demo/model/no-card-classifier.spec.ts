/**
 * A quarter-turn classifier with a fifth logit ("not a card", contract/model-io.json `quarter_turn`)
 * through the product path: PyTorch → ONNX → rio-farm's converter → LiteRT.js, then `rio-farm model eval`
 * and the host twin's frame pipeline (the APK's classifier, the C++ core's verdict). Two such classifiers
 * are the release one's weights with a fifth output whose weights are zero and whose bias is +1000
 * (always "not a card") or -1000 (never): the first must drop every detection once a threshold below 1
 * is set, the second turn exactly as the 4-logit release classifier does.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertOnnxToTflite } from './converter/convert.ts';
import { loadEvalFrames, type EvalFrame } from './evaluation/eval-frames.ts';
import { loadQuarterTurn, loadRunner, type ModelRunner, type QuarterTurnRunner } from './evaluation/model-runner.ts';
import { measureQuality, sweepQuality, type QualityReport } from './evaluation/quality.ts';
import { buildApk } from '../apk/build-apk.ts';
import { placeholderModel } from '../apk/placeholder-model.ts';
import { RELEASE_MODEL, RELEASE_QUARTER_TURN } from '../apk/index.ts';
import { loadApkModel, type ApkModel } from '../host/apk-model.ts';
import { processFrame } from '../host/frame-pipeline.ts';
import { writeSyntheticFrames, type SyntheticFrame } from '../host/test-support/synthetic-frames.ts';
import { startCli, exitWithin } from '../../harness/test-support/cli-process.ts';

const here = import.meta.dirname;
/** The CLI's share of smoke (its first frames, cards only): enough to see the option work end to end. */
const CLI_FRAMES = 6;

// The release classifier's weights in a 5-class net: the fifth logit is its bias alone.
const exportScript = `
import sys, torch
sys.path.insert(0, ${JSON.stringify(here)})
from quarter_turn import QuarterTurnNet, export_onnx
state = torch.load(${JSON.stringify(join(here, 'release', 'quarter_turn.pt'))})
w, b = state['classify.weight'], state['classify.bias']
for name, bias in (('always', 1000.0), ('never', -1000.0)):
    net = QuarterTurnNet(classes=5)
    net.load_state_dict({**state, 'classify.weight': torch.cat([w, torch.zeros_like(w[:1])]), 'classify.bias': torch.cat([b, torch.tensor([bias])])})
    export_onnx(net, sys.argv[1] + '/' + name + '.onnx')
`;

let work: string;
const tflite: Record<'always' | 'never', string> = { always: '', never: '' };

before(() => {
  work = mkdtempSync(join(tmpdir(), 'rio-no-card-'));
  const r = spawnSync('/usr/bin/python3', ['-c', exportScript, work], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  for (const name of ['always', 'never'] as const) {
    tflite[name] = join(work, `${name}.tflite`);
    writeFileSync(tflite[name], convertOnnxToTflite(readFileSync(join(work, `${name}.onnx`))).tflite);
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

/** A report without its timings: what the frames came to. */
const figures = (q: QualityReport) => ({ rows: q.rows, scenarios: q.scenarios, all: q.all });

describe('model eval with a 5-logit quarter-turn classifier', () => {
  let frames: EvalFrame[];
  let detector: ModelRunner;
  const classifiers: Partial<Record<'release' | 'always' | 'never', QuarterTurnRunner>> = {};
  before(async () => {
    frames = await loadEvalFrames('smoke');  // 26 frames, 2 of them negatives
    detector = await loadRunner(RELEASE_MODEL);
    classifiers.release = await loadQuarterTurn(RELEASE_QUARTER_TURN);
    for (const name of ['always', 'never'] as const) classifiers[name] = await loadQuarterTurn(tflite[name]);
  });
  after(() => {
    detector.close();
    for (const c of Object.values(classifiers)) c.close();
  });

  it('drops every detection the classifier calls "not a card" at the threshold, keeps them all at 1, and turns as the 4-logit one when it never rejects', async () => {
    const release = await measureQuality(detector, frames, {}, classifiers.release!.classify);
    assert.ok(release.all.cardFrames > 0 && release.all.negativeFrames > 0, 'card frames and negatives');
    assert.ok(release.all.detectionRate! > 0, 'the release models find cards on these frames, so there is something to drop');
    const rejecting = await measureQuality(detector, frames, { reject_threshold: 0.5 }, classifiers.always!.classify);
    assert.equal(rejecting.all.detectionRate, 0, 'every card\'s detection dropped');
    assert.equal(rejecting.all.falseDetectionRate, 0, 'and every detection on a negative');
    assert.equal(rejecting.all.extraPerCardFrame, 0);
    // model-io.json's default, 1, never rejects: the fifth logit changes nothing
    assert.deepEqual(figures(await measureQuality(detector, frames, {}, classifiers.always!.classify)), figures(release));
    assert.deepEqual(figures(await measureQuality(detector, frames, { reject_threshold: 1e-6 }, classifiers.never!.classify)), figures(release),
      'a no-card probability of 0 keeps every detection, turned exactly as the 4-logit classifier turns it');
    console.log(`smoke (${frames.length} frames): 4-logit release classifier ${pct(release.all.detectionRate)} found, corner order ${pct(release.all.cornerOrderAgreement)}; `
      + `5-logit "always not a card" at 0.5: ${pct(rejecting.all.detectionRate)} found, ${pct(rejecting.all.falseDetectionRate)} false; at 1 and "never": identical to the release`);
  });

  it('a sweep gives at each (score, reject) pair what model eval gives there, with one inference per frame', async () => {
    const points = await sweepQuality(detector, frames, [0.2, 0.6], [0.5, 1], {}, classifiers.always!.classify);
    assert.deepEqual(points.map((p) => [p.scoreThreshold, p.rejectThreshold]), [[0.2, 0.5], [0.2, 1], [0.6, 0.5], [0.6, 1]]);
    for (const p of points) {
      const one = await measureQuality(detector, frames, { score_threshold: p.scoreThreshold, reject_threshold: p.rejectThreshold! }, classifiers.always!.classify);
      assert.deepEqual(p.all, one.all, `score ${p.scoreThreshold}, reject ${p.rejectThreshold}`);
    }
    assert.equal(points[0]!.all.detectionRate, 0, 'rejected at 0.5');
    assert.ok(points[1]!.all.detectionRate! > points[3]!.all.detectionRate!, 'a higher score threshold finds fewer smoke cards (so the score is applied per point)');
    const plain = await sweepQuality(detector, frames, [0.2], [], {}, classifiers.release!.classify);
    assert.deepEqual(plain[0]!.all, (await measureQuality(detector, frames, {}, classifiers.release!.classify)).all, 'no reject list: the 4-logit classifier turns, nothing is dropped');
    await assert.rejects(sweepQuality(detector, frames, [0.2], [0.5]), /needs a quarter-turn classifier/);
  });

  it('rio-farm model eval --reject-threshold drops them and says so in its header; it needs a classifier and a value in (0, 1]', async () => {
    const run = async (args: string[]) => {
      const cli = startCli(['model', 'eval', '--suite', 'smoke', '--limit', String(CLI_FRAMES), ...args], process.env);
      try {
        return { ...(await exitWithin(cli, Date.now(), 180_000)), stdout: cli.stdout, stderr: cli.stderr };
      } finally { cli.kill(); }
    };
    const r = await run(['--quarter-turn', tflite.always, '--reject-threshold', '0.5']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /on \d+ smoke frames with \{"reject_threshold":0\.5\}\n/);
    assert.match(r.stdout, new RegExp(`\nall +${CLI_FRAMES} +\\S+ +0\\.0% +0 +- +0\\.000 `), 'no card detected, no extra quad');
    for (const args of [['--no-quarter-turn', '--reject-threshold', '0.5'], ['--reject-threshold', '0'], ['--reject-threshold', '1.5']]) {
      const bad = await run(args);
      assert.equal(bad.code, 3, `${args.join(' ')}: bad input\n${bad.stderr}`);
      assert.match(bad.stderr, /--reject-threshold/);
    }
  });
});

describe('the host twin with a 5-logit quarter-turn classifier in the APK', () => {
  let apkModel: ApkModel;
  let release: QuarterTurnRunner;
  let cards: SyntheticFrame[];
  before(async () => {
    const apk = join(work, 'rio-no-card.apk');
    await buildApk({ detector: placeholderModel(), quarterTurn: readFileSync(tflite.always) }, apk);
    apkModel = await loadApkModel(apk);
    release = await loadQuarterTurn(RELEASE_QUARTER_TURN);
    cards = (await writeSyntheticFrames(work, 6)).filter((f) => f.quad);
  });
  after(() => release.close());

  it('loads the [1,5] classifier, keeps and turns every detection at model-io.json\'s threshold, drops them all below it', async () => {
    const turn = apkModel.quarterTurn;
    assert.ok(turn, 'the APK\'s classifier is loaded');
    assert.equal(turn.rejectThreshold, 1, 'model-io.json\'s reject_threshold');
    const asReleased: ApkModel = { ...apkModel, quarterTurn: { ...turn, classify: release.classify } };
    const rejecting: ApkModel = { ...apkModel, quarterTurn: { ...turn, rejectThreshold: 0.5 } };
    for (const f of cards) {
      const kept = await processFrame(apkModel, f.path);
      const four = await processFrame(asReleased, f.path);
      assert.equal(kept.error, undefined, `frame ${f.index}: ${kept.error?.message}`);
      assert.equal(kept.detections.length, 1, `frame ${f.index}: the card is found and kept`);
      assert.deepEqual(kept.detections, four.detections, `frame ${f.index}: the same quads and scores as with the 4-logit classifier`);
      const dropped = await processFrame(rejecting, f.path);
      assert.equal(dropped.error, undefined);
      assert.ok(dropped.t_turn !== undefined, 'the classifier ran');
      assert.deepEqual(dropped.detections, [], `frame ${f.index}: "not a card" at 0.5 drops the detection`);
    }
  });
});
