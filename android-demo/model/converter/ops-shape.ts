/** Layout-sensitive data movement: Reshape, Flatten, Transpose, Concat, Pad, Resize, Constant, Identity. */
import { NCHW_TO_NHWC, NHWC_FROM_NCHW, storedAxis, transposeData, type Layout } from './layout.ts';
import { attr, checkAttributes, LoweringContext, unsupported } from './lowering-context.ts';
import type { ConstTensor, OnnxNode } from './onnx-model.ts';
import { concatOptions, emptyOptions, mirrorPadOptions, Op, Options, reshapeOptions, resizeBilinearOptions, resizeNearestOptions } from './tflite-schema.ts';

function reshapeTo(ctx: LoweringContext, node: OnnxNode, shape: number[]): void {
  const v = ctx.value(node, node.inputs[0]!);
  if (v.constant) {
    ctx.set(node.outputs[0]!, { shape, layout: 'plain', constant: { ...v.constant, dims: shape } });
    return;
  }
  const input = ctx.asPlain(node, node.inputs[0]!);
  const out = ctx.output(node.outputs[0]!, shape, 'plain');
  ctx.addOperator(Op.RESHAPE, [input, ctx.int32Constant(`${node.name}_shape`, shape)], [out], reshapeOptions(shape));
}

export function lowerReshape(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['allowzero']);
  const inShape = ctx.value(node, node.inputs[0]!).shape;
  const requested = Array.from(ctx.constant(node, node.inputs[1]!, 'target shape').data, Number);
  if (attr(node, 'allowzero', 0) === 1 && requested.includes(0)) throw unsupported(node, 'allowzero=1 with a zero dimension');
  const shape = requested.map((d, i) => (d === 0 ? inShape[i]! : d));
  const total = inShape.reduce((a, b) => a * b, 1);
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  reshapeTo(ctx, node, shape.map((d) => (d === -1 ? total / known : d)));
}

export function lowerFlatten(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['axis']);
  const inShape = ctx.value(node, node.inputs[0]!).shape;
  const axis = attr(node, 'axis', 1);
  const a = axis < 0 ? axis + inShape.length : axis;
  const prod = (xs: number[]) => xs.reduce((p, q) => p * q, 1);
  reshapeTo(ctx, node, [prod(inShape.slice(0, a)), prod(inShape.slice(a))]);
}

export function lowerTranspose(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['perm']);
  const v = ctx.value(node, node.inputs[0]!);
  const rank = v.shape.length;
  const perm = attr(node, 'perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
  const shape = perm.map((p) => v.shape[p]!);
  if (v.constant) {
    ctx.set(node.outputs[0]!, { shape, layout: 'plain', constant: { ...v.constant, dims: shape, data: transposeData(v.constant.data, v.constant.dims, perm) } });
    return;
  }
  // The permutation TFLite must apply to the stored input to get the stored output, per output layout.
  const fromStored = (logicalAxis: number) => (v.layout === 'nhwc' ? NCHW_TO_NHWC[logicalAxis]! : logicalAxis);
  const candidates: [Layout, number[]][] = [['plain', perm.map(fromStored)]];
  if (rank === 4) candidates.push(['nhwc', NHWC_FROM_NCHW.map((a) => fromStored(perm[a]!))]);
  const identity = candidates.find(([, p]) => p.every((x, i) => x === i));
  if (identity) {
    // A layout change that undoes NHWC storage (e.g. the model's final NCHW→NHWC) costs nothing.
    ctx.set(node.outputs[0]!, { shape, layout: identity[0], tensor: v.tensor! });
    return;
  }
  const out = ctx.output(node.outputs[0]!, shape, 'plain');
  ctx.addOperator(Op.TRANSPOSE, [v.tensor!, ctx.int32Constant(`${node.name}_perm`, candidates[0]![1])], [out], emptyOptions(Options.Transpose));
}

export function lowerConcat(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['axis']);
  const values = node.inputs.map((n) => ctx.value(node, n));
  const rank = values[0]!.shape.length;
  const axis = attr(node, 'axis', 0);
  const a = axis < 0 ? axis + rank : axis;
  const shape = [...values[0]!.shape];
  shape[a] = values.reduce((s, v) => s + v.shape[a]!, 0);
  if (values.every((v) => v.constant)) {
    if (rank !== 1) throw unsupported(node, 'concatenation of constants is only folded for 1-D');
    const data = values.flatMap((v) => [...v.constant!.data]);
    const dtype = values[0]!.constant!.dtype;
    ctx.set(node.outputs[0]!, { shape, layout: 'plain', constant: { dims: shape, dtype, data: dtype === 'int' ? data : Float32Array.from(data) } });
    return;
  }
  const nhwc = rank === 4 && values.some((v) => !v.constant && v.layout === 'nhwc');
  const inputs = node.inputs.map((n) => (nhwc ? ctx.asNhwc(node, n) : ctx.asPlain(node, n)));
  const layout: Layout = nhwc ? 'nhwc' : 'plain';
  ctx.addOperator(Op.CONCATENATION, inputs, [ctx.output(node.outputs[0]!, shape, layout)], concatOptions(storedAxis(a, rank, layout)));
}

export function lowerPad(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['mode', 'pads', 'value']);
  const v = ctx.value(node, node.inputs[0]!);
  const rank = v.shape.length;
  const pads = node.inputs[1] ? Array.from(ctx.constant(node, node.inputs[1], 'pads').data, Number) : attr(node, 'pads', [] as number[]);
  if (pads.length !== 2 * rank) throw unsupported(node, `pads has ${pads.length} entries for rank ${rank}`);
  if (pads.some((p) => p < 0)) throw unsupported(node, 'negative pads (cropping) are not supported');
  const value = node.inputs[2] ? Number(ctx.constant(node, node.inputs[2], 'constant_value').data[0]) : attr(node, 'value', 0);
  const mode = attr(node, 'mode', 'constant');
  const layout: Layout = rank === 4 && v.layout === 'nhwc' ? 'nhwc' : 'plain';
  const input = layout === 'nhwc' ? ctx.asNhwc(node, node.inputs[0]!) : ctx.asPlain(node, node.inputs[0]!);
  const logicalAxis = (i: number) => (layout === 'nhwc' ? NHWC_FROM_NCHW[i]! : i);
  const paddings = Array.from({ length: rank }, (_, i) => [pads[logicalAxis(i)]!, pads[logicalAxis(i) + rank]!]).flat();
  const shape = v.shape.map((d, i) => d + pads[i]! + pads[i + rank]!);
  const padTensor = ctx.int32Constant(`${node.name}_paddings`, paddings, [rank, 2]);
  const out = ctx.output(node.outputs[0]!, shape, layout);
  if (mode === 'constant') {
    if (value === 0) ctx.addOperator(Op.PAD, [input, padTensor], [out], emptyOptions(Options.Pad));
    else ctx.addOperator(Op.PADV2, [input, padTensor, ctx.floatConstant(`${node.name}_value`, [], Float32Array.of(value))], [out], emptyOptions(Options.PadV2));
  } else if (mode === 'reflect') {
    ctx.addOperator(Op.MIRROR_PAD, [input, padTensor], [out], mirrorPadOptions(0));
  } else {
    throw unsupported(node, `mode '${mode}' has no TFLite equivalent`);
  }
}

export function lowerResize(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['coordinate_transformation_mode', 'cubic_coeff_a', 'exclude_outside', 'extrapolation_value', 'mode', 'nearest_mode']);
  const v = ctx.value(node, node.inputs[0]!);
  if (v.shape.length !== 4) throw unsupported(node, 'only 4-D (NCHW) resize is supported');
  const [n, c, h, w] = v.shape as [number, number, number, number];
  const optional = (i: number): ConstTensor | undefined => {
    const name = node.inputs[i];
    if (!name) return undefined;
    const t = ctx.constant(node, name, 'scales/sizes');
    return t.data.length > 0 ? t : undefined;
  };
  // Opset 10: (X, scales); opset ≥ 11: (X, roi, scales, sizes).
  const scales = node.inputs.length === 2 ? optional(1) : optional(2);
  const sizes = node.inputs.length === 2 ? undefined : optional(3);
  let oh: number, ow: number;
  if (sizes) {
    const s = Array.from(sizes.data, Number);
    if (s[0] !== n || s[1] !== c) throw unsupported(node, 'resizing batch or channels');
    [oh, ow] = [s[2]!, s[3]!];
  } else if (scales) {
    const s = Array.from(scales.data, Number);
    if (s[0] !== 1 || s[1] !== 1) throw unsupported(node, 'resizing batch or channels');
    [oh, ow] = [Math.floor(h * s[2]!), Math.floor(w * s[3]!)];
  } else {
    throw unsupported(node, 'neither scales nor sizes given');
  }
  const mode = attr(node, 'mode', 'nearest');
  const coord = attr(node, 'coordinate_transformation_mode', 'half_pixel');
  if (attr(node, 'exclude_outside', 0) !== 0) throw unsupported(node, 'exclude_outside=1');
  let code: number, options;
  if (mode === 'linear') {
    code = Op.RESIZE_BILINEAR;
    if (coord === 'half_pixel' || (coord === 'pytorch_half_pixel' && oh > 1 && ow > 1)) options = resizeBilinearOptions(false, true);
    else if (coord === 'align_corners') options = resizeBilinearOptions(true, false);
    else if (coord === 'asymmetric') options = resizeBilinearOptions(false, false);
    else throw unsupported(node, `coordinate_transformation_mode '${coord}' with linear mode`);
  } else if (mode === 'nearest') {
    code = Op.RESIZE_NEAREST_NEIGHBOR;
    const nearest = attr(node, 'nearest_mode', 'round_prefer_floor');
    // TFLite's plain nearest neighbour is src = floor(dst · in/out): ONNX asymmetric + floor.
    if (coord === 'asymmetric' && nearest === 'floor') options = resizeNearestOptions(false, false);
    else throw unsupported(node, `nearest resize with coordinate_transformation_mode '${coord}' and nearest_mode '${nearest}' (only asymmetric+floor)`);
  } else {
    throw unsupported(node, `mode '${mode}' (only nearest and linear)`);
  }
  const input = ctx.asNhwc(node, node.inputs[0]!);
  const out = ctx.output(node.outputs[0]!, [n, c, oh, ow], 'nhwc');
  ctx.addOperator(code, [input, ctx.int32Constant(`${node.name}_size`, [oh, ow])], [out], options);
}

export function lowerConstant(ctx: LoweringContext, node: OnnxNode): void {
  const value = node.attributes.get('value');
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw unsupported(node, 'only the tensor `value` form of Constant is supported');
  ctx.set(node.outputs[0]!, { shape: value.dims, layout: 'plain', constant: value });
}

/** Identity and inference-mode Dropout pass their input through. */
export function lowerIdentity(ctx: LoweringContext, node: OnnxNode): void {
  if (node.outputs.length > 1 && node.outputs[1]) throw unsupported(node, 'the Dropout mask output is not supported');
  ctx.set(node.outputs[0]!, ctx.value(node, node.inputs[0]!));
}
