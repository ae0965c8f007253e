import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RioError } from '../../errors.ts';

function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new RioError('NOT_FOUND', `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
}

// Model code is imported lazily: onnxruntime, LiteRT.js and the C++ core are heavy for other commands.
/** The committed release model, used when no path is given. */
const RELEASE = { onnx: 'android-demo/model/release/rio.onnx', tflite: 'android-demo/model/release/rio.tflite', stateDict: 'android-demo/model/release/rio.pt',
  quarterTurn: 'android-demo/model/release/quarter_turn.tflite' };
/** The committed fp32 model must match ONNX to this (issue 4). */
const PARITY_MAX_ABS = 1e-4;

/** commander parser for a value in [0, 1], naming the option when it is not one. */
const probability = (option: string) => (v: string): number => {
  const x = Number(v);
  if (!(x >= 0 && x <= 1)) throw new RioError('BAD_ARGUMENT', `${option} must be a number from 0 to 1, got '${v}'`, { option });
  return x;
};

/** commander parser for a value in (0, 1] (model-io.json's reject_threshold: 1 never rejects), naming the option when it is not one. */
const rejectThreshold = (option: string) => (v: string): number => {
  const x = Number(v);
  if (!(x > 0 && x <= 1)) throw new RioError('BAD_ARGUMENT', `${option} must be a number above 0 and at most 1, got '${v}'`, { option });
  return x;
};

/** commander parser for a comma-separated list, each value checked by `one`. */
const listOf = (option: string, one: (v: string) => number) => (v: string): number[] => {
  const values = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (!values.length) throw new RioError('BAD_ARGUMENT', `${option} needs at least one value, got '${v}'`, { option });
  return values.map(one);
};

/** Registers `rio-farm model`: convert, parity, eval, sweep, table. The logic lives in android-demo/model/. */
export function registerModel(program: Command): void {
  const model = program.command('model').description('RIO model tools: ONNX → TFLite conversion, parity, size/quantisation table');

  model.command('convert')
    .description('convert an ONNX model to TensorFlow Lite with rio-farm\'s own converter')
    .argument('<in.onnx>', 'ONNX model (static shapes)')
    .argument('<out.tflite>', 'TFLite file to write')
    .option('--fp16', 'store float weights as float16')
    .option('--int8-weights', 'int8 per-channel convolution weights (dynamic-range quantization)')
    .action(async (input: string, output: string, opts: { fp16?: boolean; int8Weights?: boolean }) => {
      const { convertOnnxToTflite } = await import('../../../../android-demo/model/converter/convert.ts');
      const result = convertOnnxToTflite(readModelFile(input), opts);
      writeFileSync(output, result.tflite);
      const ops = Object.entries(result.onnxOps).map(([k, v]) => `${k}×${v}`).join(' ');
      process.stdout.write(`${output}: ${result.tflite.length} bytes, ${result.tfliteOperators} TFLite operators (from ONNX ${ops})\n`);
    });

  model.command('parity')
    .description('run ONNX (onnxruntime-node) and TFLite (LiteRT.js) on the same frames; exit 1 above --max-abs')
    .argument('[in.onnx]', 'ONNX model', RELEASE.onnx)
    .argument('[model.tflite]', 'converted model', RELEASE.tflite)
    .option('--suite <name>', 'scenario suite whose frames to use', 'smoke')
    .option('--limit <n>', 'first N frames only', (v) => Number(v))
    .option('--max-abs <x>', 'fail above this max abs error', (v) => Number(v), PARITY_MAX_ABS)
    .option('--json', 'print the report as JSON')
    .action(async (onnxPath: string, tflitePath: string, opts: { suite: string; limit?: number; maxAbs: number; json?: boolean }) => {
      const { parityOf } = await import('../../../../android-demo/model/evaluation/parity.ts');
      const r = await parityOf(onnxPath, tflitePath, opts.suite, opts.limit);
      if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        process.stdout.write(`parity ${onnxPath} vs ${tflitePath} on ${r.frames} ${opts.suite} frames\n`);
        for (const o of r.outputs) process.stdout.write(`  ${o.output.padEnd(8)} max abs ${o.maxAbs.toExponential(2)}  mean abs ${o.meanAbs.toExponential(2)}  (worst ${o.worstFrame})\n`);
        process.stdout.write(`  quad IoU ONNX vs TFLite: mean ${r.quadIoUMean?.toFixed(6) ?? '-'} min ${r.quadIoUMin?.toFixed(6) ?? '-'}; detection-count mismatches ${r.countMismatches}\n`);
      }
      if (!(r.maxAbs <= opts.maxAbs)) throw new RioError('BELOW_BAR', `max abs error ${r.maxAbs.toExponential(2)} > ${opts.maxAbs}`);
    });

  model.command('eval')
    .description('median crop IoU per lighting condition, detection and false-detection rates of one model')
    .argument('[model]', '.onnx or .tflite', RELEASE.tflite)
    .option('--suite <name>', 'evaluation suite (never train)', 'nightly')
    .option('--limit <n>', 'first N frames only', (v) => Number(v))
    .option('--score-threshold <x>', 'override model-io.json\'s heat-peak threshold (sweep it on --suite validation)', probability('--score-threshold'))
    .option('--mask-threshold <x>', 'override model-io.json\'s mask threshold', probability('--mask-threshold'))
    .option('--corner-threshold <x>', 'override model-io.json\'s corner-point threshold (1 = no corner snapping)', probability('--corner-threshold'))
    .option('--reject-threshold <x>', 'override model-io.json\'s no-card threshold: drop a detection whose crop a 5-logit quarter-turn classifier calls "not a card" with at least this probability (1 = never; sweep it on --suite validation)', rejectThreshold('--reject-threshold'))
    .option('--per-scenario', 'also a table per scenario: where in a condition the model misses')
    .option('--quarter-turn <path>', `quarter-turn classifier (.onnx or .tflite) that turns each detection upright, as the app does (default ${RELEASE.quarterTurn} when it exists)`)
    .option('--no-quarter-turn', 'corner order as the detector gives it (an APK without the classifier)')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, opts: { suite: string; limit?: number; json?: boolean; perScenario?: boolean; scoreThreshold?: number; maskThreshold?: number; cornerThreshold?: number;
      rejectThreshold?: number; quarterTurn?: string | false }) => {
      if (opts.suite === 'train') throw new RioError('BAD_ARGUMENT', 'evaluate on an evaluation suite, never on train frames', { option: '--suite' });
      const { loadEvalFrames } = await import('../../../../android-demo/model/evaluation/eval-frames.ts');
      const { loadRunner, loadQuarterTurn } = await import('../../../../android-demo/model/evaluation/model-runner.ts');
      const { measureQuality, qualityBarMisses } = await import('../../../../android-demo/model/evaluation/quality.ts');
      const { formatQuality } = await import('../../../../android-demo/model/evaluation/size-table.ts');
      const turnPath = opts.quarterTurn === false ? undefined : opts.quarterTurn ?? (existsSync(RELEASE.quarterTurn) ? RELEASE.quarterTurn : undefined);
      // The quarter-turn classifier is what rejects: a threshold without one would change nothing, silently.
      if (opts.rejectThreshold !== undefined && !turnPath) throw new RioError('BAD_ARGUMENT', '--reject-threshold needs a quarter-turn classifier (--quarter-turn, or the release one)', { option: '--reject-threshold' });
      const frames = await loadEvalFrames(opts.suite, opts.limit);
      const runner = await loadRunner(path);
      const turn = turnPath ? await loadQuarterTurn(turnPath) : undefined;
      const overrides = { ...(opts.scoreThreshold !== undefined && { score_threshold: opts.scoreThreshold }),
        ...(opts.maskThreshold !== undefined && { mask_threshold: opts.maskThreshold }),
        ...(opts.cornerThreshold !== undefined && { corner_threshold: opts.cornerThreshold }),
        ...(opts.rejectThreshold !== undefined && { reject_threshold: opts.rejectThreshold }) };
      const q = await measureQuality(runner, frames, overrides, turn?.classify);
      runner.close();
      turn?.close();
      const misses = qualityBarMisses(q);
      const cornerOrder = turn ? `corner order: quarter-turn classifier ${turn.path} (sha256 ${turn.sha256})` : 'corner order: the detector\'s (no quarter-turn classifier)';
      if (opts.json) process.stdout.write(`${JSON.stringify({ ...q, quarterTurn: turn ? { path: turn.path, sha256: turn.sha256 } : null, misses }, null, 2)}\n`);
      else process.stdout.write(`${path} on ${frames.length} ${opts.suite} frames${Object.keys(overrides).length ? ` with ${JSON.stringify(overrides)}` : ''}\n${cornerOrder}\n${formatQuality(q, opts.perScenario)}\nquality bar: ${misses.length ? `missed — ${misses.join('; ')}` : 'met'}\n`);
    });

  model.command('sweep')
    .description('figures over all frames at every score x reject threshold pair (one inference per frame): choose thresholds on --suite validation')
    .argument('[model]', '.onnx or .tflite', RELEASE.tflite)
    .option('--suite <name>', 'evaluation suite (choose on validation only)', 'validation')
    .option('--limit <n>', 'first N frames only', (v) => Number(v))
    .option('--score <list>', 'score thresholds, comma-separated', listOf('--score', probability('--score')), [0.2])
    .option('--reject <list>', 'reject thresholds of a 5-logit quarter-turn classifier, comma-separated (1 = never)', listOf('--reject', rejectThreshold('--reject')))
    .option('--mask-threshold <x>', 'override model-io.json\'s mask threshold', probability('--mask-threshold'))
    .option('--corner-threshold <x>', 'override model-io.json\'s corner-point threshold', probability('--corner-threshold'))
    .option('--quarter-turn <path>', `quarter-turn classifier (.onnx or .tflite) (default ${RELEASE.quarterTurn} when it exists)`)
    .option('--no-quarter-turn', 'corner order as the detector gives it')
    .option('--json', 'print the points as JSON')
    .action(async (path: string, opts: { suite: string; limit?: number; score: number[]; reject?: number[]; maskThreshold?: number; cornerThreshold?: number;
      quarterTurn?: string | false; json?: boolean }) => {
      if (opts.suite === 'train') throw new RioError('BAD_ARGUMENT', 'evaluate on an evaluation suite, never on train frames', { option: '--suite' });
      const { loadEvalFrames } = await import('../../../../android-demo/model/evaluation/eval-frames.ts');
      const { loadRunner, loadQuarterTurn } = await import('../../../../android-demo/model/evaluation/model-runner.ts');
      const { sweepQuality } = await import('../../../../android-demo/model/evaluation/quality.ts');
      const { formatSweep } = await import('../../../../android-demo/model/evaluation/size-table.ts');
      const turnPath = opts.quarterTurn === false ? undefined : opts.quarterTurn ?? (existsSync(RELEASE.quarterTurn) ? RELEASE.quarterTurn : undefined);
      if (opts.reject && !turnPath) throw new RioError('BAD_ARGUMENT', '--reject needs a quarter-turn classifier (--quarter-turn, or the release one)', { option: '--reject' });
      const frames = await loadEvalFrames(opts.suite, opts.limit);
      const runner = await loadRunner(path);
      const turn = turnPath ? await loadQuarterTurn(turnPath) : undefined;
      const overrides = { ...(opts.maskThreshold !== undefined && { mask_threshold: opts.maskThreshold }),
        ...(opts.cornerThreshold !== undefined && { corner_threshold: opts.cornerThreshold }) };
      const points = await sweepQuality(runner, frames, opts.score, opts.reject ?? [], overrides, turn?.classify);
      runner.close();
      turn?.close();
      if (opts.json) process.stdout.write(`${JSON.stringify({ quarterTurn: turn ? { path: turn.path, sha256: turn.sha256 } : null, points }, null, 2)}\n`);
      else process.stdout.write(`${path} on ${frames.length} ${opts.suite} frames${Object.keys(overrides).length ? ` with ${JSON.stringify(overrides)}` : ''}\n`
        + `${turn ? `quarter-turn classifier ${turn.path} (sha256 ${turn.sha256})` : 'no quarter-turn classifier'}\n${formatSweep(points)}\n`);
    });

  model.command('table')
    .description('sizes (state dict, ONNX, TFLite fp32/fp16/int8) with crop IoU per condition and latency per variant')
    .option('--onnx <path>', 'ONNX model', RELEASE.onnx)
    .option('--tflite <path>', 'fp32 TFLite model', RELEASE.tflite)
    .option('--state-dict <path>', 'PyTorch state dict', RELEASE.stateDict)
    .option('--suite <name>', 'evaluation suite', 'nightly')
    .option('--limit <n>', 'first N frames only', (v) => Number(v))
    .option('--latency-suite <name>', 'suite replayed with `rio-farm run` on the attached (or virtual) devices for latency', 'smoke')
    .option('--no-device-latency', 'skip the device runs; host latency only')
    .option('--json', 'print the table as JSON')
    .action(async (opts: { onnx: string; tflite: string; stateDict: string; suite: string; limit?: number; latencySuite: string; deviceLatency: boolean; json?: boolean }) => {
      if (opts.suite === 'train') throw new RioError('BAD_ARGUMENT', 'evaluate on an evaluation suite, never on train frames', { option: '--suite' });
      const { loadEvalFrames } = await import('../../../../android-demo/model/evaluation/eval-frames.ts');
      const { buildSizeTable, formatSizeTable } = await import('../../../../android-demo/model/evaluation/size-table.ts');
      const frames = await loadEvalFrames(opts.suite, opts.limit);
      const table = await buildSizeTable({ onnx: opts.onnx, tflite: opts.tflite, stateDict: opts.stateDict,
        latencySuite: opts.deviceLatency ? opts.latencySuite : undefined }, frames);
      if (opts.json) process.stdout.write(`${JSON.stringify(table, null, 2)}\n`);
      else process.stdout.write(`median crop IoU per lighting condition on ${table.frames} ${opts.suite} frames; host ms = LiteRT.js/onnxruntime in this process, single thread; device ms = ${opts.deviceLatency ? `${opts.latencySuite} suite via rio-farm run` : 'not measured'}\n${formatSizeTable(table)}\n`);
    });
}
