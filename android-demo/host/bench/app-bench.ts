/**
 * `npm run bench:app [-- --suite smoke --repeats 5 --profile pixel-7-virtual]`: the demo app's
 * per-stage latency on a vdevice through real adb (the host twin running the APK's model), crop
 * quality against the suite's truth, and replay at the suite's fps. Goals (issue 5): post ≤ 15% of
 * infer; replay at 30 fps drops no frame on the smoke suite. Prints a table; asserts nothing.
 */
import { parseArgs } from 'node:util';
import { buildSuite } from '../../../scenarios/generator/index.ts';
import { startTestFarm } from '../../../harness/test-support/farm.ts';
import { quantile, mean } from '../../../harness/src/stats/descriptive.ts';
import { matchCrops } from '../../../harness/src/metrics/crop-match.ts';
import { ensureDemoApk } from '../../apk/index.ts';
import { validateResults, type Results } from '../../contract/results-schema.ts';
import { installApk, runBenchmark } from '../test-support/device-run.ts';

const { values: args } = parseArgs({ options: {
  suite: { type: 'string', default: 'smoke' },
  repeats: { type: 'string', default: '5' },
  profile: { type: 'string', default: 'pixel-7-virtual' },
} });
const STAGES = ['t_decode', 't_pre', 't_infer', 't_post', 't_total'] as const;

const suite = await buildSuite(args.suite!);
const apk = await ensureDemoApk();
const farm = await startTestFarm({ count: 1, profile: args.profile });
try {
  const serial = farm.serials[0]!;
  await installApk(farm, serial, apk.path);
  const samples: Record<(typeof STAGES)[number], number[]> = { t_decode: [], t_pre: [], t_infer: [], t_post: [], t_total: [] };
  let cardFrames = 0, found = 0, iouSum = 0, negatives = 0, falseOnNegatives = 0, hot = 0;
  const run = async (runId: string, scenario: (typeof suite.scenarios)[number], fps: number): Promise<Results> => {
    const frames = scenario.frames.map((f) => ({ index: f.index, path: f.path, sha256: f.sha256 }));
    const out = await runBenchmark(farm, serial, { runId, scenario: scenario.id, frames, fps, warmup: 3, threads: 4 });
    if (out.crashed) throw new Error(`${runId}: app crashed`);
    return validateResults(out.results, runId);
  };
  for (let r = 0; r < Number(args.repeats); r++) {
    for (const [s, scenario] of suite.scenarios.entries()) {
      const res = await run(`bench-${r}-${s}`, scenario, 0);
      if (res.device_state.end.thermal_status > 0) hot++;
      for (const f of res.frames) {
        for (const k of STAGES) samples[k].push(f[k]);
        if (r > 0) continue; // quality is deterministic: count it once
        const truth = scenario.frames.find((t) => t.index === f.index)!;
        const m = matchCrops(f.detections, truth.cards);
        if (truth.negative) { negatives++; if (f.detections.length) falseOnNegatives++; }
        else { cardFrames += m.cards ? 1 : 0; found += m.cards && m.matched === m.cards ? 1 : 0; iouSum += m.iou ?? 0; }
      }
    }
  }
  // Replay: the whole suite as one camera stream at its fps (a scenario alone has too few frames
  // for a drop to be possible: the newest frame is never dropped).
  const replayFps = suite.scenarios[0]!.fps;
  const stream = suite.scenarios.flatMap((sc) => sc.frames).map((f, i) => ({ index: i, path: f.path, sha256: f.sha256 }));
  const replay = await runBenchmark(farm, serial, { runId: 'bench-replay', scenario: `${suite.name}-stream`, frames: stream, fps: replayFps, warmup: 3, threads: 4 });
  if (replay.crashed) throw new Error('replay: app crashed');
  const replayRes = validateResults(replay.results, 'bench-replay');
  const replayed = replayRes.frames.length, dropped = replayRes.frames.filter((f) => f.dropped).length;
  const replayTotals = replayRes.frames.filter((f) => !f.dropped).map((f) => f.t_total);

  const fmt = (v: number) => v.toFixed(2).padStart(8);
  console.log(`\nbench:app — suite ${suite.name} (${suite.scenarios.length} scenarios), ${args.repeats} repeats, vdevice ${args.profile}`);
  console.log(`APK ${apk.sha256.slice(0, 12)}…, model ${apk.modelSource} ${apk.modelSha256.slice(0, 12)}…, runtime LiteRT.js WASM 1 thread + C++ core (Node-API)\n`);
  console.log('stage      median      p95     mean   (ms, n=' + samples.t_total.length + ')');
  for (const k of STAGES) console.log(`${k.padEnd(9)}${fmt(quantile(samples[k], 0.5))} ${fmt(quantile(samples[k], 0.95))} ${fmt(mean(samples[k]))}`);
  const ratio = quantile(samples.t_post, 0.5) / quantile(samples.t_infer, 0.5);
  const ratio95 = quantile(samples.t_post, 0.95) / quantile(samples.t_infer, 0.95);
  console.log(`\npost / infer (median) ${(100 * ratio).toFixed(1)}%  (p95 ${(100 * ratio95).toFixed(1)}%)  goal ≤ 15%: ${ratio <= 0.15 ? 'MET' : 'MISSED'}`);
  console.log(`replay of the suite as one stream at ${replayFps} fps: ${dropped} of ${replayed} frames dropped (frame budget ${(1000 / replayFps).toFixed(1)} ms, t_total p50 ${quantile(replayTotals, 0.5).toFixed(1)} / p95 ${quantile(replayTotals, 0.95).toFixed(1)} ms)  goal 0: ${dropped === 0 ? 'MET' : 'MISSED'}`);
  console.log(`quality: ${found}/${cardFrames} card frames fully found, mean IoU ${(iouSum / Math.max(1, cardFrames)).toFixed(3)}; ${falseOnNegatives}/${negatives} negatives with a detection`);
  console.log(`runs ending with thermal status > NONE: ${hot}`);
} finally {
  await farm.stop();
}
