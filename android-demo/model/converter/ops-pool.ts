/** MaxPool / AveragePool / GlobalAveragePool lowerings. */
import { attr, checkAttributes, LoweringContext, unsupported } from './lowering-context.ts';
import type { OnnxNode } from './onnx-model.ts';
import { padNhwc } from './ops-conv.ts';
import { autoPads, planPadding } from './padding.ts';
import { Op, Padding, poolOptions, reducerOptions } from './tflite-schema.ts';

// Lowest float32: padding a max-pool with it never wins a window, like ONNX's ignored padding.
const LOWEST_FLOAT = -3.4028234663852886e38;

export function lowerPool(ctx: LoweringContext, node: OnnxNode): void {
  const isMax = node.opType === 'MaxPool';
  checkAttributes(node, isMax ? ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides']
    : ['auto_pad', 'ceil_mode', 'count_include_pad', 'kernel_shape', 'pads', 'strides']);
  if (node.outputs.length > 1 && node.outputs[1]) throw unsupported(node, 'the Indices output is not supported');
  const x = ctx.value(node, node.inputs[0]!);
  if (x.shape.length !== 4) throw unsupported(node, 'only 2-D pooling is supported');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const k = attr(node, 'kernel_shape', [] as number[]);
  if (k.length !== 2) throw unsupported(node, 'kernel_shape must be 2-D');
  if (attr(node, 'dilations', [1, 1]).some((d) => d !== 1)) throw unsupported(node, 'dilated pooling is not supported');
  const kernel: [number, number] = [k[0]!, k[1]!];
  const s = attr(node, 'strides', [1, 1]);
  const stride: [number, number] = [s[0]!, s[1]!];
  const pads = autoPads(attr(node, 'auto_pad', 'NOTSET'), h, w, kernel, stride, [1, 1])
    ?? attr(node, 'pads', [0, 0, 0, 0]) as [number, number, number, number];
  const plan = planPadding(h, w, { kernel, stride, dilation: [1, 1], pads });
  if (attr(node, 'ceil_mode', 0) === 1) {
    const ceilOut = (size: number, i: 0 | 1) => Math.ceil((size + pads[i]! + pads[i + 2]! - kernel[i]) / stride[i]) + 1;
    if (ceilOut(h, 0) !== plan.out[0] || ceilOut(w, 1) !== plan.out[1]) throw unsupported(node, 'ceil_mode=1 changes the output size here; TFLite has no ceil mode');
  }
  let input = ctx.asNhwc(node, node.inputs[0]!);
  let padding: number = Padding.VALID;
  if (plan.kind === 'explicit') {
    if (!isMax && attr(node, 'count_include_pad', 0) === 0) throw unsupported(node, 'padding that is not SAME with count_include_pad=0 has no TFLite equivalent');
    input = padNhwc(ctx, input, [n, h, w, c], plan.pads, node.name, isMax ? LOWEST_FLOAT : undefined);
  } else {
    padding = plan.padding;
    // TFLite SAME average pooling divides by the valid count only, which is ONNX count_include_pad=0.
    if (!isMax && padding === Padding.SAME && attr(node, 'count_include_pad', 0) === 1) {
      input = padNhwc(ctx, input, [n, h, w, c], pads, node.name);
      padding = Padding.VALID;
    }
  }
  const out = ctx.output(node.outputs[0]!, [n, c, plan.out[0], plan.out[1]], 'nhwc');
  ctx.addOperator(isMax ? Op.MAX_POOL_2D : Op.AVERAGE_POOL_2D, [input], [out], poolOptions(padding, stride[0], stride[1], kernel[0], kernel[1]));
}

export function lowerGlobalAveragePool(ctx: LoweringContext, node: OnnxNode): void {
  checkAttributes(node, []);
  const x = ctx.value(node, node.inputs[0]!);
  if (x.shape.length !== 4) throw unsupported(node, 'only 4-D inputs are supported');
  const [n, c] = x.shape as [number, number];
  const input = ctx.asNhwc(node, node.inputs[0]!);
  const out = ctx.output(node.outputs[0]!, [n, c, 1, 1], 'nhwc');
  ctx.addOperator(Op.MEAN, [input, ctx.int32Constant(`${node.name}_axes`, [1, 2])], [out], reducerOptions(true));
}
