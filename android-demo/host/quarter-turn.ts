/**
 * The second model on each detection (contract/model-io.json `quarter_turn`, CONTRACT.md `t_turn`): the
 * C++ core cuts the detection's 64x64 crop from the camera frame, the classifier tells how many quarter
 * turns the crop is from upright, the core rolls the quad back so corner 0 is the card's own top-left.
 * A 5-logit classifier also says whether the crop is a card at all; the core rejects the ones it calls
 * "not a card" surely enough (postprocess.reject_threshold). One function for the host twin and the
 * model tools (`rio-farm model eval`), so both turn and drop alike.
 */
import modelIo from '../contract/model-io.json' with { type: 'json' };
import { quarterTurnCrop, turnUpright, REJECT_THRESHOLD, type CoreQuad } from '../cpp/rio-core.ts';
import { RioError } from '../../harness/src/errors.ts';
import type { FloatTensor, TfliteModel } from '../model/runtime/litert.ts';
import type { OnnxModel } from '../model/runtime/onnx.ts';
import type { AppError } from '../contract/results-schema.ts';

const INPUT_SHAPE = modelIo.quarter_turn.input.shape;
const OUTPUT = modelIo.quarter_turn.output;

/** A loaded quarter-turn classifier: one crop (RGB /255 NHWC) in, 4 logits out (5 with "not a card"). */
export type ClassifyTurn = (crop: Float32Array) => Promise<Float32Array>;

/** The RGB frame the detections are in (the decoder's output). */
export interface TurnFrame { readonly rgb: Uint8Array; readonly width: number; readonly height: number }

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The contract output among a model's outputs: by name, else the only one; of one of the contract's shapes when known. */
function pickOutput(outputs: readonly { name: string; shape?: readonly number[] }[], where: string): string {
  const chosen = outputs.find((o) => o.name === OUTPUT.name) ?? (outputs.length === 1 ? outputs[0] : undefined);
  if (!chosen || (chosen.shape && !OUTPUT.shapes.some((s) => sameShape(chosen.shape!, s)))) {
    throw new RioError('BAD_MODEL', `${where}: no quarter-turn output ${OUTPUT.name} of shape ${OUTPUT.shapes.map((s) => JSON.stringify(s)).join(' or ')}; outputs: ${outputs.map((o) => `${o.name}${JSON.stringify(o.shape ?? '?')}`).join(' ')}`, { file: where });
  }
  return chosen.name;
}

function logitsOf(out: Record<string, FloatTensor>, name: string): Float32Array {
  return out[name]!.data;
}

/** A compiled quarter_turn.tflite as a classifier; throws BAD_MODEL when its tensors are not the contract's. */
export function classifierFromTflite(m: TfliteModel, where: string): ClassifyTurn {
  if (m.inputs.length !== 1 || !sameShape(m.inputs[0]!.shape, INPUT_SHAPE)) {
    throw new RioError('BAD_MODEL', `${where}: quarter-turn input must be ${JSON.stringify(INPUT_SHAPE)}, has ${m.inputs.map((i) => JSON.stringify(i.shape)).join(' ')}`, { file: where });
  }
  const name = pickOutput(m.outputs, where);
  return async (crop) => logitsOf(await m.run([crop]), name);
}

/** quarter_turn.onnx on onnxruntime as a classifier (model tools: the reference the TFLite file is held to). */
export function classifierFromOnnx(m: OnnxModel, where: string): ClassifyTurn {
  const name = pickOutput(m.outputs.map((o) => ({ name: o })), where);
  return async (crop) => logitsOf(await m.run([{ shape: INPUT_SHAPE, data: crop }]), name);
}

/** Per detection, in the order given: its quad turned upright, the classifier's turns, its no-card probability and whether it stays. */
export interface UprightQuads { quads: CoreQuad[]; turns: number[]; noCard: number[]; kept: boolean[] }

/**
 * Each quad rolled so corner 0 is the card's own top-left, with the classifier's turns, and whether it is
 * kept (a 5-logit classifier's no-card probability below `rejectThreshold`, default model-io.json's); or
 * the frame's error: INFERENCE_FAILED (the classifier threw), BAD_MODEL_OUTPUT (the core rejected a crop or
 * the logits). Callers drop the detections not kept.
 */
export async function turnQuadsUpright(frame: TurnFrame, quads: readonly (readonly (readonly [number, number])[])[], classify: ClassifyTurn,
  rejectThreshold = REJECT_THRESHOLD): Promise<UprightQuads & { error?: undefined } | { error: AppError }> {
  const out: UprightQuads = { quads: [], turns: [], noCard: [], kept: [] };
  for (const quad of quads) {
    const c = quarterTurnCrop(frame.rgb, frame.width, frame.height, 3, quad);
    if (c.error) return { error: { code: 'BAD_MODEL_OUTPUT', message: `quarter-turn crop: ${c.error.code}: ${c.error.message}` } };
    let logits: Float32Array;
    try {
      logits = await classify(c.crop);
    } catch (e) {
      return { error: { code: 'INFERENCE_FAILED', message: `quarter_turn: ${e instanceof Error ? e.message : String(e)}` } };
    }
    const t = turnUpright({ quad, logits, rejectThreshold });
    if (t.error) return { error: { code: 'BAD_MODEL_OUTPUT', message: `${t.error.code}: ${t.error.message}` } };
    out.quads.push(t.quad);
    out.turns.push(t.turns);
    out.noCard.push(t.noCard);
    out.kept.push(!t.rejected);
  }
  return out;
}
