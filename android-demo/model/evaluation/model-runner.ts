/**
 * One interface over the two runtimes the model tools compare: onnxruntime-node for .onnx and
 * LiteRT.js for .tflite, both fed the contract's NHWC input and returning outputs by name.
 * Post-processing is the app's C++ core (android-demo/cpp), never a re-implementation.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import modelIo from '../../contract/model-io.json' with { type: 'json' };
import { detectOutputs } from '../../cpp/rio-core.ts';
import { RioError } from '../../../harness/src/errors.ts';
import type { Quad } from '../../../harness/src/metrics/quad.ts';
import { loadTflite, type FloatTensor } from '../runtime/litert.ts';
import { loadOnnx } from '../runtime/onnx.ts';
import { classifierFromOnnx, classifierFromTflite, type ClassifyTurn } from '../../host/quarter-turn.ts';

export const INPUT_SHAPE = modelIo.input.shape;
/** The outputs every model has; OPTIONAL_OUTPUTS (orient) only newer ones. */
export const OUTPUT_NAMES = modelIo.outputs.filter((o) => !('optional' in o && o.optional)).map((o) => o.name);
export const OPTIONAL_OUTPUTS = modelIo.outputs.filter((o) => 'optional' in o && o.optional).map((o) => o.name);

export interface ModelRunner {
  readonly kind: 'onnx' | 'tflite';
  readonly bytes: number;
  /** Contract outputs this model has: OUTPUT_NAMES and the optional ones it carries. */
  readonly outputNames: readonly string[];
  /** Runs one frame; `ms` is the inference time alone. */
  run(input: Float32Array): Promise<{ outputs: Record<string, FloatTensor>; ms: number }>;
  close(): void;
}

export interface Detection { quad: Quad; score: number }

/** A model file's bytes; NOT_FOUND naming it when it cannot be read. */
function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new RioError('NOT_FOUND', `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
}

/** Loads a model file by extension and checks it speaks the contract's tensor names. */
export async function loadRunner(path: string): Promise<ModelRunner> {
  const bytes = readModelFile(path);
  if (path.endsWith('.onnx')) {
    const model = await loadOnnx(bytes);
    checkOutputs(path, model.outputs);
    return {
      kind: 'onnx', bytes: bytes.length, outputNames: contractOutputs(model.outputs),
      async run(input) {
        const t = performance.now();
        const outputs = await model.run([{ shape: INPUT_SHAPE, data: input }]);
        return { outputs, ms: performance.now() - t };
      },
      close() {},
    };
  }
  if (path.endsWith('.tflite')) {
    const model = await loadTflite(bytes);
    checkOutputs(path, model.outputs.map((o) => o.name));
    return {
      kind: 'tflite', bytes: bytes.length, outputNames: contractOutputs(model.outputs.map((o) => o.name)),
      async run(input) {
        const t = performance.now();
        const outputs = await model.run([input]);
        return { outputs, ms: performance.now() - t };
      },
      close: () => model.delete(),
    };
  }
  throw new RioError('BAD_ARGUMENT', `${path}: expected a .onnx or .tflite file`, { file: path });
}

function contractOutputs(names: readonly string[]): string[] {
  return [...OUTPUT_NAMES, ...OPTIONAL_OUTPUTS.filter((n) => names.includes(n))];
}

function checkOutputs(path: string, names: readonly string[]): void {
  const missing = OUTPUT_NAMES.filter((n) => !names.includes(n));
  if (missing.length) throw new RioError('BAD_MODEL', `${path} lacks output(s) ${missing.join(', ')} of model-io.json (has ${names.join(', ')})`, { file: path });
}

/** A quarter-turn classifier file (contract/model-io.json `quarter_turn`) on onnxruntime or LiteRT.js. */
export interface QuarterTurnRunner { readonly path: string; readonly sha256: string; readonly classify: ClassifyTurn; close(): void }

/** Loads quarter_turn.onnx or .tflite by extension; BAD_MODEL when its tensors are not the contract's. */
export async function loadQuarterTurn(path: string): Promise<QuarterTurnRunner> {
  const bytes = readModelFile(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (path.endsWith('.onnx')) return { path, sha256, classify: classifierFromOnnx(await loadOnnx(bytes), path), close() {} };
  if (path.endsWith('.tflite')) {
    const model = await loadTflite(bytes);
    return { path, sha256, classify: classifierFromTflite(model, path), close: () => model.delete() };
  }
  throw new RioError('BAD_ARGUMENT', `${path}: expected a .onnx or .tflite quarter-turn classifier`, { file: path });
}

/**
 * Overrides of contract/model-io.json's postprocess parameters (threshold sweeps on `validation`):
 * the detector's, and reject_threshold, which the quarter-turn stage applies.
 */
export type PostprocessOverrides = Partial<Record<'score_threshold' | 'mask_threshold' | 'corner_threshold' | 'nms_iou' | 'reject_threshold', number>>;

/** The app's post-processing (C++ core: peaks, NMS, mask refinement) on one frame's outputs. */
export function postprocess(outputs: Record<string, FloatTensor>, frameWidth: number, frameHeight: number,
  params: Omit<PostprocessOverrides, 'reject_threshold'> = {}): Detection[] {
  const r = detectOutputs(outputs, frameWidth, frameHeight, params);
  if (r.error) throw new RioError('BAD_MODEL', `post-processing rejected the outputs: ${r.error.code}: ${r.error.message}`);
  return r.detections.map((d) => ({ quad: d.quad as unknown as Quad, score: d.score }));
}
