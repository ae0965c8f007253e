/**
 * A stand-in rio.tflite with the exact tensors of contract/model-io.json, used by the APK build until
 * the trained model (android-demo/model/release/rio.tflite) exists. It is a hand-set "bright blob"
 * detector — mask = sigmoid(k·(luma − t)) and no corner points, heat = a 9×9 box blur of the coarse mask, corner offsets
 * zero, orientation zero (unknown: quads keep their order) — so the twin's pipeline runs end to end on real frames; it is not a trained card detector.
 */
import { writeTflite } from '../model/converter/tflite-writer.ts';
import { Op, Padding, Activation, conv2dOptions, poolOptions } from '../model/converter/tflite-schema.ts';
import type { TflModel, TflTensor, TflOperator } from '../model/converter/tflite-model.ts';

const GAIN = 24;      // sigmoid steepness
const THRESHOLD = 0.62; // luma where the mask crosses 0.5

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

export function placeholderModel(): Uint8Array {
  const tensors: TflTensor[] = [];
  const operators: TflOperator[] = [];
  const t = (name: string, shape: number[], data?: Uint8Array) => { tensors.push({ name, shape, type: 'float32', ...(data ? { data } : {}) }); return tensors.length - 1; };
  const image = t('image', [1, 256, 256, 3]);
  // Luma logit as a 1×1 conv: weights OHWI [1,1,1,3].
  const lumaW = t('luma_w', [1, 1, 1, 3], f32([0.299 * GAIN, 0.587 * GAIN, 0.114 * GAIN]));
  const lumaB = t('luma_b', [1], f32([-THRESHOLD * GAIN]));
  // mask: 2×2 average → [luma logit, no corner points (logit −20)] → sigmoid, [1,128,128,2]
  const p2 = t('pool2', [1, 128, 128, 3]);
  operators.push({ code: Op.AVERAGE_POOL_2D, inputs: [image], outputs: [p2], options: poolOptions(Padding.VALID, 2, 2, 2, 2) });
  const maskW = t('mask_w', [2, 1, 1, 3], f32([0.299 * GAIN, 0.587 * GAIN, 0.114 * GAIN, 0, 0, 0]));
  const maskB = t('mask_b', [2], f32([-THRESHOLD * GAIN, -20]));
  const m2 = t('mask_logit', [1, 128, 128, 2]);
  operators.push({ code: Op.CONV_2D, inputs: [p2, maskW, maskB], outputs: [m2], options: conv2dOptions(Padding.VALID, 1, 1, Activation.NONE) });
  const mask = t('mask', [1, 128, 128, 2]);
  operators.push({ code: Op.LOGISTIC, inputs: [m2], outputs: [mask] });
  // heat: 4×4 average → luma → sigmoid → 9×9 box blur, [1,64,64,1]
  const p4 = t('pool4', [1, 64, 64, 3]);
  operators.push({ code: Op.AVERAGE_POOL_2D, inputs: [image], outputs: [p4], options: poolOptions(Padding.VALID, 4, 4, 4, 4) });
  const m4 = t('coarse_logit', [1, 64, 64, 1]);
  operators.push({ code: Op.CONV_2D, inputs: [p4, lumaW, lumaB], outputs: [m4], options: conv2dOptions(Padding.VALID, 1, 1, Activation.NONE) });
  const s4 = t('coarse_mask', [1, 64, 64, 1]);
  operators.push({ code: Op.LOGISTIC, inputs: [m4], outputs: [s4] });
  const heat = t('heat', [1, 64, 64, 1]);
  operators.push({ code: Op.AVERAGE_POOL_2D, inputs: [s4], outputs: [heat], options: poolOptions(Padding.SAME, 1, 1, 9, 9) });
  // corners: zero offsets, [1,64,64,8]
  const zw = t('corners_w', [8, 1, 1, 3], f32(new Array(24).fill(0)));
  const zb = t('corners_b', [8], f32(new Array(8).fill(0)));
  const corners = t('corners', [1, 64, 64, 8]);
  operators.push({ code: Op.CONV_2D, inputs: [p4, zw, zb], outputs: [corners], options: conv2dOptions(Padding.VALID, 1, 1, Activation.NONE) });
  // orient: zero (unknown orientation), [1,64,64,2]
  const ow = t('orient_w', [2, 1, 1, 3], f32(new Array(6).fill(0)));
  const ob = t('orient_b', [2], f32([0, 0]));
  const orient = t('orient', [1, 64, 64, 2]);
  operators.push({ code: Op.CONV_2D, inputs: [p4, ow, ob], outputs: [orient], options: conv2dOptions(Padding.VALID, 1, 1, Activation.NONE) });
  const model: TflModel = { tensors, operators, inputs: [image], outputs: [heat, corners, mask, orient], description: 'rio placeholder: bright-blob detector (not trained)' };
  return writeTflite(model);
}
