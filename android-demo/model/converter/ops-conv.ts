/** Conv (plain, depthwise, grouped) and ConvTranspose lowerings, NCHW weights → TFLite layouts. */
import { transposeData } from './layout.ts';
import { attr, checkAttributes, LoweringContext, toFloat, unsupported } from './lowering-context.ts';
import type { OnnxNode } from './onnx-model.ts';
import { autoPads, planPadding, type SpatialGeometry } from './padding.ts';
import { Activation, concatOptions, conv2dOptions, depthwiseOptions, emptyOptions, Op, Options, Padding, splitOptions, transposeConvOptions } from './tflite-schema.ts';

/** What the driver lets a producer absorb: a following Relu/Relu6 and the name its output takes. */
export interface Fusion {
  readonly activation: number;
  readonly outputName: string;
}

const pair = (v: number[], fallback: [number, number]): [number, number] => (v.length === 2 ? [v[0]!, v[1]!] : fallback);

function geometry(node: OnnxNode, h: number, w: number, kernel: [number, number]): SpatialGeometry {
  const stride = pair(attr(node, 'strides', [1, 1]), [1, 1]);
  const dilation = pair(attr(node, 'dilations', [1, 1]), [1, 1]);
  const explicit = attr(node, 'pads', [0, 0, 0, 0]);
  if (explicit.length !== 4) throw unsupported(node, `pads ${JSON.stringify(explicit)} is not 2-D`);
  const pads = autoPads(attr(node, 'auto_pad', 'NOTSET'), h, w, kernel, stride, dilation) ?? explicit as [number, number, number, number];
  return { kernel, stride, dilation, pads };
}

/** Emits PAD (or PADV2 with `value`) on an NHWC tensor; returns the padded tensor. */
export function padNhwc(ctx: LoweringContext, x: number, shape: number[], pads: [number, number, number, number], name: string, value?: number): number {
  const [pt, pl, pb, pr] = pads;
  const [n, h, w, c] = shape as [number, number, number, number];
  const out = ctx.addTensor(`${name}_pad`, [n, h + pt + pb, w + pl + pr, c]);
  const paddings = ctx.int32Constant(`${name}_paddings`, [0, 0, pt, pb, pl, pr, 0, 0], [4, 2]);
  if (value === undefined) ctx.addOperator(Op.PAD, [x, paddings], [out], emptyOptions(Options.Pad));
  else ctx.addOperator(Op.PADV2, [x, paddings, ctx.floatConstant(`${name}_padvalue`, [], Float32Array.of(value))], [out], emptyOptions(Options.PadV2));
  return out;
}

export function lowerConv(ctx: LoweringContext, node: OnnxNode, fusion: Fusion | undefined): void {
  checkAttributes(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
  const x = ctx.value(node, node.inputs[0]!);
  const weight = ctx.constant(node, node.inputs[1]!, 'weights');
  if (x.shape.length !== 4 || weight.dims.length !== 4) throw unsupported(node, 'only 2-D convolutions (4-D tensors) are supported');
  const [n, cin, h, w] = x.shape as [number, number, number, number];
  const [cout, cinPerGroup, kh, kw] = weight.dims as [number, number, number, number];
  const group = attr(node, 'group', 1);
  if (cinPerGroup * group !== cin) throw unsupported(node, `weights expect ${cinPerGroup * group} input channels, input has ${cin}`);
  const bias = node.inputs[2] ? toFloat(ctx.constant(node, node.inputs[2], 'bias')) : new Float32Array(cout);
  const g = geometry(node, h, w, [kh, kw]);
  const plan = planPadding(h, w, g);
  let input = ctx.asNhwc(node, node.inputs[0]!);
  let padding: number = Padding.VALID;
  if (plan.kind === 'explicit') input = padNhwc(ctx, input, [n, h, w, cin], plan.pads, node.name);
  else padding = plan.padding;
  const outName = fusion?.outputName ?? node.outputs[0]!;
  const activation = fusion?.activation ?? Activation.NONE;
  const outShape = [n, cout, plan.out[0], plan.out[1]];
  const wData = toFloat(weight);

  if (group === 1) {
    const filter = ctx.floatConstant(`${node.name}_filter`, [cout, kh, kw, cin], transposeData(wData, weight.dims, [0, 2, 3, 1]));
    const out = ctx.output(outName, outShape, 'nhwc');
    ctx.addOperator(Op.CONV_2D, [input, filter, ctx.floatConstant(`${node.name}_bias`, [cout], bias)], [out],
      conv2dOptions(padding, g.stride[0], g.stride[1], activation, g.dilation[0], g.dilation[1]));
    return;
  }
  if (cinPerGroup === 1 && cout % cin === 0) {
    // Depthwise: ONNX [cout,1,kh,kw] → TFLite [1,kh,kw,cout] with depth_multiplier = cout/cin.
    const filter = ctx.floatConstant(`${node.name}_filter`, [1, kh, kw, cout], transposeData(wData, weight.dims, [1, 2, 3, 0]));
    const out = ctx.output(outName, outShape, 'nhwc');
    ctx.addOperator(Op.DEPTHWISE_CONV_2D, [input, filter, ctx.floatConstant(`${node.name}_bias`, [cout], bias)], [out],
      depthwiseOptions(padding, g.stride[0], g.stride[1], cout / cin, activation, g.dilation[0], g.dilation[1]), 2);
    return;
  }
  // Grouped: split the channels, one CONV_2D per group, concatenate. Portable to every TFLite kernel.
  const coutPerGroup = cout / group;
  const [ph, pw] = [h + (plan.kind === 'explicit' ? plan.pads[0] + plan.pads[2] : 0), w + (plan.kind === 'explicit' ? plan.pads[1] + plan.pads[3] : 0)];
  const parts = Array.from({ length: group }, (_, i) => ctx.addTensor(`${node.name}_group${i}_in`, [n, ph, pw, cinPerGroup]));
  ctx.addOperator(Op.SPLIT, [ctx.int32Constant(`${node.name}_split_axis`, [3], []), input], parts, splitOptions(group));
  const filters = transposeData(wData, weight.dims, [0, 2, 3, 1]);
  const perGroup = coutPerGroup * kh * kw * cinPerGroup;
  const outs = parts.map((part, i) => {
    const out = ctx.addTensor(`${node.name}_group${i}_out`, [n, plan.out[0], plan.out[1], coutPerGroup]);
    ctx.addOperator(Op.CONV_2D, [part,
      ctx.floatConstant(`${node.name}_filter${i}`, [coutPerGroup, kh, kw, cinPerGroup], filters.slice(i * perGroup, (i + 1) * perGroup)),
      ctx.floatConstant(`${node.name}_bias${i}`, [coutPerGroup], bias.slice(i * coutPerGroup, (i + 1) * coutPerGroup))],
    [out], conv2dOptions(padding, g.stride[0], g.stride[1], activation, g.dilation[0], g.dilation[1]));
    return out;
  });
  ctx.addOperator(Op.CONCATENATION, outs, [ctx.output(outName, outShape, 'nhwc')], concatOptions(3));
}

export function lowerConvTranspose(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'pads', 'strides']);
  const x = ctx.value(node, node.inputs[0]!);
  const weight = ctx.constant(node, node.inputs[1]!, 'weights');
  if (x.shape.length !== 4 || weight.dims.length !== 4) throw unsupported(node, 'only 2-D transposed convolutions are supported');
  if (attr(node, 'group', 1) !== 1) throw unsupported(node, 'grouped ConvTranspose is not supported');
  if (attr(node, 'auto_pad', 'NOTSET') !== 'NOTSET') throw unsupported(node, 'auto_pad is not supported; export explicit pads');
  const dil = attr(node, 'dilations', [1, 1]);
  if (dil.some((d) => d !== 1)) throw unsupported(node, 'dilated ConvTranspose is not supported by TFLite TRANSPOSE_CONV');
  const [n, cin, h, w] = x.shape as [number, number, number, number];
  const [wcin, cout, kh, kw] = weight.dims as [number, number, number, number];
  if (wcin !== cin) throw unsupported(node, `weights expect ${wcin} input channels, input has ${cin}`);
  const [sh, sw] = pair(attr(node, 'strides', [1, 1]), [1, 1]);
  const [pt, pl, pb, pr] = attr(node, 'pads', [0, 0, 0, 0]);
  const [oph, opw] = pair(attr(node, 'output_padding', [0, 0]), [0, 0]);
  const oh = (h - 1) * sh + kh - pt! - pb! + oph;
  const ow = (w - 1) * sw + kw - pl! - pr! + opw;
  // TFLite crops the full transposed output starting at its computed pad (0 for VALID, SAME's
  // floor split otherwise) and keeps output_shape rows; ONNX crops at pads_begin. Equal when
  // the begin offsets agree.
  const samePad = (outSize: number, inSize: number, s: number, k: number) => Math.floor(Math.max((Math.ceil(outSize / s) - 1) * s + k - outSize, 0) / 2);
  let padding: number;
  if (pt === 0 && pl === 0) padding = Padding.VALID;
  else if (Math.ceil(oh / sh) === h && Math.ceil(ow / sw) === w && samePad(oh, h, sh, kh) === pt && samePad(ow, w, sw, kw) === pl) padding = Padding.SAME;
  else throw unsupported(node, `pads ${JSON.stringify([pt, pl, pb, pr])} with stride ${sh} cannot be expressed as TFLite SAME/VALID`);
  const bias = node.inputs[2] ? toFloat(ctx.constant(node, node.inputs[2], 'bias')) : new Float32Array(cout);
  const filter = ctx.floatConstant(`${node.name}_filter`, [cout, kh, kw, cin], transposeData(toFloat(weight), weight.dims, [1, 2, 3, 0]));
  const outShape = ctx.int32Constant(`${node.name}_output_shape`, [n, oh, ow, cout]);
  const input = ctx.asNhwc(node, node.inputs[0]!);
  const out = ctx.output(node.outputs[0]!, [n, cout, oh, ow], 'nhwc');
  // Version 3 is the TRANSPOSE_CONV that takes a bias as its 4th input.
  ctx.addOperator(Op.TRANSPOSE_CONV, [outShape, filter, input, ctx.floatConstant(`${node.name}_bias`, [cout], bias)], [out],
    transposeConvOptions(padding, sh, sw), 3);
}
