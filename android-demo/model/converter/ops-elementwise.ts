/** Elementwise ops: Add/Sub/Mul/Div with broadcasting, activations, and stand-alone BatchNormalization. */
import { NHWC_FROM_NCHW, transposeData } from './layout.ts';
import { attr, checkAttributes, LoweringContext, toFloat, unsupported, type Value } from './lowering-context.ts';
import type { ConstTensor, OnnxNode } from './onnx-model.ts';
import { binaryOptions, emptyOptions, leakyReluOptions, Op, Options } from './tflite-schema.ts';

const BINARY: Record<string, { code: number; union: number; apply: (a: number, b: number) => number }> = {
  Add: { code: Op.ADD, union: Options.Add, apply: (a, b) => a + b },
  Sub: { code: Op.SUB, union: Options.Sub, apply: (a, b) => a - b },
  Mul: { code: Op.MUL, union: Options.Mul, apply: (a, b) => a * b },
  Div: { code: Op.DIV, union: Options.Div, apply: (a, b) => a / b },
};

export const BINARY_OPS = Object.keys(BINARY);

export function broadcastShape(node: OnnxNode, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - rank + a.length] ?? 1, y = b[i - rank + b.length] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw unsupported(node, `shapes ${JSON.stringify(a)} and ${JSON.stringify(b)} do not broadcast`);
    return Math.max(x, y);
  });
}

/** Evaluates a binary op on two constants (shape arithmetic left in the graph by exporters). */
function foldBinary(node: OnnxNode, a: ConstTensor, b: ConstTensor, apply: (x: number, y: number) => number): ConstTensor {
  const dims = broadcastShape(node, a.dims, b.dims);
  const count = dims.reduce((p, q) => p * q, 1);
  const index = (t: ConstTensor, flat: number): number => {
    let off = 0, stride = 1, rest = flat;
    const pad = dims.length - t.dims.length;
    const coords = dims.map(() => 0);
    for (let i = dims.length - 1; i >= 0; i--) { coords[i] = rest % dims[i]!; rest = Math.floor(rest / dims[i]!); }
    for (let i = t.dims.length - 1; i >= 0; i--) {
      off += (t.dims[i] === 1 ? 0 : coords[i + pad]!) * stride;
      stride *= t.dims[i]!;
    }
    return off;
  };
  const isInt = a.dtype === 'int' && b.dtype === 'int';
  const out = Array.from({ length: count }, (_, i) => apply(a.data[index(a, i)]!, b.data[index(b, i)]!));
  return isInt ? { dims, dtype: 'int', data: out.map((v) => Math.trunc(v)) } : { dims, dtype: 'float', data: Float32Array.from(out) };
}

/** A constant operand broadcast against a 4-D NHWC value: pad its rank to 4, then lay it out NHWC. */
function constantForNhwc(ctx: LoweringContext, node: OnnxNode, name: string, c: ConstTensor): number {
  if (c.dims.length > 4) throw unsupported(node, `constant '${name}' has rank ${c.dims.length}`);
  const dims4 = [...new Array<number>(4 - c.dims.length).fill(1), ...c.dims];
  const data = transposeData(toFloat(c), dims4, NHWC_FROM_NCHW);
  return ctx.floatConstant(`${name}_nhwc`, NHWC_FROM_NCHW.map((a) => dims4[a]!), data);
}

export function lowerBinary(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, []);
  const spec = BINARY[node.opType]!;
  const [aName, bName] = [node.inputs[0]!, node.inputs[1]!];
  const a = ctx.value(node, aName), b = ctx.value(node, bName);
  if (a.constant && b.constant) {
    const folded = foldBinary(node, a.constant, b.constant, spec.apply);
    ctx.set(node.outputs[0]!, { shape: folded.dims, layout: 'plain', constant: folded });
    return;
  }
  const shape = broadcastShape(node, a.shape, b.shape);
  const nhwc = shape.length === 4 && [a, b].some((v) => !v.constant && v.layout === 'nhwc');
  const operand = (name: string, v: Value): number => {
    if (!nhwc) return ctx.asPlain(node, name);
    if (v.constant) return constantForNhwc(ctx, node, name, v.constant);
    if (v.shape.length !== 4) throw unsupported(node, `input '${name}' of rank ${v.shape.length} broadcast against an NCHW activation`);
    return ctx.asNhwc(node, name);
  };
  const inputs = [operand(aName, a), operand(bName, b)];
  const out = ctx.output(node.outputs[0]!, shape, nhwc ? 'nhwc' : 'plain');
  ctx.addOperator(spec.code, inputs, [out], binaryOptions(spec.union));
}

/** Unary ops keep the input's layout: the output is stored exactly like the input. */
function unary(ctx: LoweringContext, node: OnnxNode): { input: number; out: number; v: Value } {
  const v = ctx.value(node, node.inputs[0]!);
  if (v.constant) throw unsupported(node, 'activation of a constant is not supported');
  return { input: v.tensor!, out: ctx.output(node.outputs[0]!, v.shape, v.layout), v };
}

function scalar(ctx: LoweringContext, name: string, value: number): number {
  return ctx.floatConstant(name, [], Float32Array.of(value));
}

/** Emits y = min(max(x, lo), hi) with the cheapest TFLite form. */
function clamp(ctx: LoweringContext, node: OnnxNode, input: number, out: number, shape: number[], lo: number, hi: number): void {
  if (lo === 0 && hi === 6) return ctx.addOperator(Op.RELU6, [input], [out]);
  if (lo === 0 && hi === Infinity) return ctx.addOperator(Op.RELU, [input], [out]);
  if (lo === -1 && hi === 1) return ctx.addOperator(Op.RELU_N1_TO_1, [input], [out]);
  let x = input;
  if (lo !== -Infinity) {
    const t = hi === Infinity ? out : ctx.addTensor(`${node.name}_lo`, shape);
    ctx.addOperator(Op.MAXIMUM, [x, scalar(ctx, `${node.name}_min`, lo)], [t], emptyOptions(Options.MaximumMinimum));
    x = t;
  }
  if (hi !== Infinity) ctx.addOperator(Op.MINIMUM, [x, scalar(ctx, `${node.name}_max`, hi)], [out], emptyOptions(Options.MaximumMinimum));
  if (lo === -Infinity && hi === Infinity) throw unsupported(node, 'Clip without bounds');
}

/** The [min, max] of a Clip node from inputs (opset ≥ 11) or attributes (older). */
export function clipBounds(ctx: LoweringContext, node: OnnxNode): [number, number] {
  checkAttributes(node, ['min', 'max']);
  const bound = (i: number, attrName: string, fallback: number): number => {
    const name = node.inputs[i];
    if (name) return Number(ctx.constant(node, name, `Clip ${attrName}`).data[0]);
    return attr(node, attrName, fallback);
  };
  return [bound(1, 'min', -Infinity), bound(2, 'max', Infinity)];
}

export function lowerActivation(ctx: LoweringContext, node: OnnxNode): void {
  switch (node.opType) {
    case 'Relu': case 'Sigmoid': case 'HardSwish': {
      checkAttributes(node, []);
      const { input, out } = unary(ctx, node);
      ctx.addOperator(node.opType === 'Relu' ? Op.RELU : node.opType === 'Sigmoid' ? Op.LOGISTIC : Op.HARD_SWISH, [input], [out]);
      return;
    }
    case 'LeakyRelu': {
      checkAttributes(node, ['alpha']);
      const { input, out } = unary(ctx, node);
      ctx.addOperator(Op.LEAKY_RELU, [input], [out], leakyReluOptions(attr(node, 'alpha', 0.01)));
      return;
    }
    case 'Clip': {
      const [lo, hi] = clipBounds(ctx, node);
      const { input, out, v } = unary(ctx, node);
      clamp(ctx, node, input, out, ctx.tensors[out]!.shape, lo, hi);
      void v;
      return;
    }
    case 'HardSigmoid': {
      checkAttributes(node, ['alpha', 'beta']);
      const alpha = attr(node, 'alpha', 0.2), beta = attr(node, 'beta', 0.5);
      const { input, out } = unary(ctx, node);
      const shape = ctx.tensors[out]!.shape;
      const scaled = ctx.addTensor(`${node.name}_scaled`, shape);
      ctx.addOperator(Op.MUL, [input, scalar(ctx, `${node.name}_alpha`, alpha)], [scaled], binaryOptions(Options.Mul));
      const shifted = ctx.addTensor(`${node.name}_shifted`, shape);
      ctx.addOperator(Op.ADD, [scaled, scalar(ctx, `${node.name}_beta`, beta)], [shifted], binaryOptions(Options.Add));
      clamp(ctx, node, shifted, out, shape, 0, 1);
      return;
    }
    default:
      throw unsupported(node, 'not an activation');
  }
}

export function lowerBatchNorm(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['epsilon', 'momentum', 'training_mode', 'spatial']);
  if (attr(node, 'training_mode', 0) !== 0) throw unsupported(node, 'training_mode=1 is not an inference graph');
  const x = ctx.value(node, node.inputs[0]!);
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => toFloat(ctx.constant(node, node.inputs[i]!, 'BatchNormalization parameters'))) as Float32Array[];
  const { scale, shift } = batchNormAffine(gamma!, beta!, mean!, variance!, attr(node, 'epsilon', 1e-5));
  if (x.shape.length !== 4 && x.shape.length !== 2) throw unsupported(node, `rank ${x.shape.length} input (only NCHW or NC)`);
  const input = x.shape.length === 4 ? ctx.asNhwc(node, node.inputs[0]!) : ctx.asPlain(node, node.inputs[0]!);
  const c = scale.length;
  const layout = x.shape.length === 4 ? 'nhwc' : 'plain';
  const scaled = ctx.addTensor(`${node.name}_scaled`, ctx.tensors[input]!.shape);
  ctx.addOperator(Op.MUL, [input, ctx.floatConstant(`${node.name}_scale`, [c], scale)], [scaled], binaryOptions(Options.Mul));
  ctx.addOperator(Op.ADD, [scaled, ctx.floatConstant(`${node.name}_shift`, [c], shift)], [ctx.output(node.outputs[0]!, x.shape, layout)], binaryOptions(Options.Add));
}

/** Inference BatchNormalization as y = x·scale + shift per channel. */
export function batchNormAffine(gamma: Float32Array, beta: Float32Array, mean: Float32Array, variance: Float32Array, eps: number): { scale: Float32Array; shift: Float32Array } {
  const scale = gamma.map((g, i) => g / Math.sqrt(variance[i]! + eps));
  const shift = beta.map((b, i) => b - mean[i]! * scale[i]!);
  return { scale, shift };
}
