/**
 * The Node-API build of the C++ core, loaded for the host twin and tests, with the postprocess
 * parameters of contract/model-io.json applied.
 */
import { createRequire } from 'node:module';
import modelIo from '../contract/model-io.json' with { type: 'json' };
import type * as Core from './index.cjs';

const core = createRequire(import.meta.url)('./index.cjs') as typeof Core;

export type { CoreDetection, CoreError, CoreQuad, DetectOptions, CropOptions, TurnUprightOptions } from './index.cjs';

// reject_threshold is the quarter-turn stage's (turnUpright below), not the detector's.
const { reject_threshold: contractRejectThreshold, ...detectorPostprocess } = modelIo.postprocess;

/** The detector's postprocess parameters from the model contract, in the core's names. */
export const contractParams: Core.CoreParams = {
  ...detectorPostprocess,
  input_width: modelIo.input.shape[2],
  input_height: modelIo.input.shape[1],
};

/** Model outputs -> detections (or an error for bad outputs: NaN, wrong shape). */
export function detect(o: Omit<Core.DetectOptions, 'params'> & { params?: Core.CoreParams }): ReturnType<typeof Core.detect> {
  return core.detect({ ...o, params: { ...contractParams, ...o.params } });
}

/** A model's outputs by contract name: the optional `orient` is passed on when the model has it. */
export type ModelOutputs = Record<string, { data: Float32Array; shape: readonly number[] } | undefined>;

/** Model outputs (by contract name) -> detections: the one place the outputs meet the core's options. */
export function detectOutputs(outputs: ModelOutputs, frameWidth: number, frameHeight: number, params?: Core.CoreParams): ReturnType<typeof Core.detect> {
  const t = (name: string) => {
    const o = outputs[name];
    if (!o) throw new Error(`model output ${name} missing`);
    return o;
  };
  const orient = outputs.orient;
  return detect({
    heat: t('heat').data, heatShape: [...t('heat').shape],
    corners: t('corners').data, cornersShape: [...t('corners').shape],
    mask: t('mask').data, maskShape: [...t('mask').shape],
    ...(orient ? { orient: orient.data, orientShape: [...orient.shape] } : {}),
    frameWidth, frameHeight, ...(params ? { params } : {}),
  });
}

/** Frame pixels -> the model input of contract/model-io.json (stretch, bilinear, RGB /255). */
export function preprocess(pixels: Uint8Array, width: number, height: number, channels: 3 | 4): ReturnType<typeof Core.preprocess> {
  return core.preprocess({ pixels, width, height, channels, outWidth: modelIo.input.shape[2]!, outHeight: modelIo.input.shape[1]! });
}

/** Perspective crop of a quad from raw pixels. */
export const crop = core.crop;

/** Side of the quarter-turn classifier's input in contract/model-io.json; the core's crop must have it. */
export const TURN_CROP_SIDE = modelIo.quarter_turn.input.shape[1]!;

/** A detection's quad -> the quarter-turn classifier's input (RGB /255 NHWC, TURN_CROP_SIDE square). */
export function quarterTurnCrop(pixels: Uint8Array, width: number, height: number, channels: 3 | 4, quad: readonly (readonly [number, number])[]): ReturnType<typeof Core.quarterTurnCrop> {
  const r = core.quarterTurnCrop({ pixels, width, height, channels, quad });
  if (!r.error && r.side !== TURN_CROP_SIDE) return { error: { code: 'INTERNAL', message: `core crops ${r.side}px, model-io.json says ${TURN_CROP_SIDE}` } };
  return r;
}

/** contract/model-io.json's no-card threshold: a detection whose crop the classifier calls "not a card" this surely is dropped. */
export const REJECT_THRESHOLD = contractRejectThreshold;

/** The quad rolled back by the classifier's logits (corner 0 the card's own top-left), judged by the contract's reject threshold unless given one. */
export function turnUpright(o: Core.TurnUprightOptions): ReturnType<typeof Core.turnUpright> {
  return core.turnUpright({ ...o, rejectThreshold: o.rejectThreshold ?? REJECT_THRESHOLD });
}

/**
 * The calling thread's CPU time in ns, or undefined: no such clock, or a build of the core older
 * than the function (run `npm rebuild rio-core`).
 */
export function threadCpuNs(): number | undefined {
  return typeof core.threadCpuNs === 'function' ? core.threadCpuNs() : undefined;
}
