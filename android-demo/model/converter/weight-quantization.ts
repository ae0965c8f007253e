/**
 * Post-training weight compression of a lowered model, as the TFLite converter does it:
 * fp16 — float constants stored as float16 and DEQUANTIZEd to float32 at load;
 * int8 dynamic range — convolution filters stored int8, symmetric per output channel; the
 * kernels then run "hybrid" (activations quantized on the fly), which is where accuracy is lost.
 */
import type { TflModel, TflTensor } from './tflite-model.ts';
import { Op } from './tflite-schema.ts';

/** IEEE-754 binary16 bits of a float (round to nearest even), for fp16 buffers. */
export function toHalf(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
  void e;
}

function floats(t: TflTensor): Float32Array {
  const d = t.data!;
  return new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
}

/** Stores every float32 constant with more than one element as float16 behind a DEQUANTIZE. */
export function toFloat16Weights(model: TflModel): TflModel {
  const tensors = [...model.tensors];
  const dequantize: TflModel['operators'] = [];
  tensors.forEach((t, i) => {
    if (t.type !== 'float32' || !t.data || t.data.length <= 4) return;
    const src = floats(t);
    const half = new Uint16Array(src.length);
    for (let k = 0; k < src.length; k++) half[k] = toHalf(src[k]!);
    tensors.push({ name: `${t.name}_fp16`, shape: t.shape, type: 'float16', data: new Uint8Array(half.buffer) });
    tensors[i] = { name: t.name, shape: t.shape, type: 'float32' };
    dequantize.push({ code: Op.DEQUANTIZE, inputs: [tensors.length - 1], outputs: [i], version: 3 });
  });
  return { ...model, tensors, operators: [...dequantize, ...model.operators] };
}

/** Filter input index and its per-channel axis for the ops whose weights we quantize. */
const FILTER: Record<number, { input: number; axis: (shape: number[]) => number }> = {
  [Op.CONV_2D]: { input: 1, axis: () => 0 },
  [Op.DEPTHWISE_CONV_2D]: { input: 1, axis: (s) => s.length - 1 },
  [Op.TRANSPOSE_CONV]: { input: 1, axis: () => 0 },
};

/** Symmetric per-channel int8 quantization of a row-major tensor along `axis`. */
export function quantizePerChannel(data: Float32Array, shape: number[], axis: number): { q: Int8Array; scale: number[] } {
  const channels = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const maxAbs = new Array<number>(channels).fill(0);
  data.forEach((v, i) => { const c = channelOf(i); maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(v)); });
  const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(data.length);
  data.forEach((v, i) => { q[i] = Math.max(-127, Math.min(127, Math.round(v / scale[channelOf(i)]!))); });
  return { q, scale };
}

/**
 * int8 filters for CONV_2D / DEPTHWISE_CONV_2D / TRANSPOSE_CONV. `hybrid` keeps them as the op's
 * direct input (dynamic-range kernels); otherwise a DEQUANTIZE restores float32 filters at load.
 */
export function toInt8Weights(model: TflModel, hybrid: Set<number> = new Set([Op.CONV_2D, Op.DEPTHWISE_CONV_2D])): TflModel {
  const tensors = [...model.tensors];
  const dequantize: TflModel['operators'] = [];
  const operators = model.operators.map((op) => {
    const spec = FILTER[op.code];
    if (!spec) return op;
    const idx = op.inputs[spec.input]!;
    const t = tensors[idx]!;
    if (t.type !== 'float32' || !t.data) return op;
    const axis = spec.axis(t.shape);
    const { q, scale } = quantizePerChannel(floats(t), t.shape, axis);
    const qt: TflTensor = { name: `${t.name}_int8`, shape: t.shape, type: 'int8', data: new Uint8Array(q.buffer),
      quantization: { scale, zeroPoint: scale.map(() => 0), dimension: axis } };
    tensors.push(qt);
    const qIndex = tensors.length - 1;
    if (hybrid.has(op.code)) {
      const inputs = [...op.inputs];
      inputs[spec.input] = qIndex;
      return { ...op, inputs };
    }
    tensors[idx] = { name: t.name, shape: t.shape, type: 'float32' };
    dequantize.push({ code: Op.DEQUANTIZE, inputs: [qIndex], outputs: [idx], version: 4 });
    return op;
  });
  return pruneUnusedTensors({ ...model, tensors, operators: [...dequantize, ...operators] });
}

/** Drops tensors no operator or graph I/O refers to (the float filters replaced by int8 ones). */
export function pruneUnusedTensors(model: TflModel): TflModel {
  const used = new Set<number>([...model.inputs, ...model.outputs]);
  for (const op of model.operators) for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) used.add(t);
  const remap = new Map<number, number>();
  const tensors = model.tensors.filter((_, i) => {
    if (!used.has(i)) return false;
    remap.set(i, remap.size);
    return true;
  });
  const map = (t: number) => (t < 0 ? t : remap.get(t)!);
  return {
    ...model, tensors,
    operators: model.operators.map((op) => ({ ...op, inputs: op.inputs.map(map), outputs: op.outputs.map(map) })),
    inputs: model.inputs.map(map), outputs: model.outputs.map(map),
  };
}
