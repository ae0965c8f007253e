/**
 * ONNX → TFLite: parse, fold BatchNormalization, lower node by node (NCHW → NHWC), optionally
 * compress weights, serialise. Any op, attribute or input form not handled exactly fails with
 * RioError('UNSUPPORTED_OP') naming op type, node and reason — never a silently different file.
 */
import { RioError } from '../../../harness/src/errors.ts';
import { consumersOf, foldBatchNorm } from './graph-rewrites.ts';
import { LoweringContext, unsupported } from './lowering-context.ts';
import { readOnnx, type OnnxNode } from './onnx-model.ts';
import { lowerConv, lowerConvTranspose, type Fusion } from './ops-conv.ts';
import { BINARY_OPS, clipBounds, lowerActivation, lowerBatchNorm, lowerBinary } from './ops-elementwise.ts';
import { lowerGlobalAveragePool, lowerPool } from './ops-pool.ts';
import { lowerConcat, lowerConstant, lowerFlatten, lowerIdentity, lowerPad, lowerReshape, lowerResize, lowerTranspose } from './ops-shape.ts';
import { Activation } from './tflite-schema.ts';
import { toFloat16Weights, toInt8Weights } from './weight-quantization.ts';
import { writeTflite } from './tflite-writer.ts';

export interface ConvertOptions {
  /** Store float weights as float16 (DEQUANTIZE at load). */
  readonly fp16?: boolean;
  /** Store convolution filters as int8, per-channel symmetric (dynamic-range quantization). */
  readonly int8Weights?: boolean;
}

export interface ConversionResult {
  readonly tflite: Uint8Array;
  /** ONNX op type → count, of the graph as converted (after BN folding). */
  readonly onnxOps: Record<string, number>;
  readonly tfliteOperators: number;
}

type Lowering = (ctx: LoweringContext, node: OnnxNode) => void;

const LOWERINGS: Record<string, Lowering> = {
  ConvTranspose: lowerConvTranspose,
  Relu: lowerActivation, Sigmoid: lowerActivation, HardSwish: lowerActivation, LeakyRelu: lowerActivation,
  Clip: lowerActivation, HardSigmoid: lowerActivation,
  ...Object.fromEntries(BINARY_OPS.map((op) => [op, lowerBinary])),
  MaxPool: lowerPool, AveragePool: lowerPool, GlobalAveragePool: lowerGlobalAveragePool,
  BatchNormalization: lowerBatchNorm,
  Resize: lowerResize, Concat: lowerConcat, Pad: lowerPad, Transpose: lowerTranspose,
  Reshape: lowerReshape, Flatten: lowerFlatten, Constant: lowerConstant,
  Identity: lowerIdentity, Dropout: lowerIdentity,
};

/** ONNX op types the converter accepts. */
export const SUPPORTED_OPS = ['Conv', ...Object.keys(LOWERINGS)].sort();

/** Converts ONNX model bytes to .tflite bytes. */
export function convertOnnxToTflite(onnxBytes: Uint8Array, options: ConvertOptions = {}): ConversionResult {
  if (options.fp16 && options.int8Weights) throw new RioError('BAD_ARGUMENT', '--fp16 and --int8-weights are exclusive');
  const graph = foldBatchNorm(readOnnx(onnxBytes));
  if (graph.opset < 7) throw new RioError('BAD_MODEL', `ONNX opset ${graph.opset} is too old (need ≥ 7)`);
  const ctx = new LoweringContext();
  for (const [name, c] of graph.constants) ctx.set(name, { shape: c.dims, layout: 'plain', constant: c });
  const inputs = graph.inputs.map((i) => {
    const id = ctx.addTensor(i.name, i.shape);
    ctx.set(i.name, { shape: i.shape, layout: 'plain', tensor: id });
    return id;
  });
  // Constants first: exporters place them anywhere, and fusion decisions read them.
  for (const node of graph.nodes) if (node.opType === 'Constant') lowerConstant(ctx, node);

  const consumers = consumersOf(graph);
  const absorbed = new Set<OnnxNode>();
  /** A Relu/Relu6 that is the sole reader of a conv output becomes the conv's fused activation. */
  const fusionFor = (node: OnnxNode): Fusion | undefined => {
    const out = node.outputs[0]!;
    const readers = consumers.get(out) ?? [];
    if (readers.length !== 1 || graph.outputs.includes(out)) return undefined;
    const act = readers[0]!;
    let activation: number | undefined;
    if (act.opType === 'Relu') activation = Activation.RELU;
    else if (act.opType === 'Clip') {
      try {
        const [lo, hi] = clipBounds(ctx, act);
        if (lo === 0 && hi === 6) activation = Activation.RELU6;
        else if (lo === 0 && hi === Infinity) activation = Activation.RELU;
      } catch { /* non-constant bounds: leave the Clip to its own lowering */ }
    }
    if (activation === undefined) return undefined;
    absorbed.add(act);
    return { activation, outputName: act.outputs[0]! };
  };

  const onnxOps: Record<string, number> = {};
  for (const node of graph.nodes) {
    onnxOps[node.opType] = (onnxOps[node.opType] ?? 0) + 1;
    if (node.opType === 'Constant' || absorbed.has(node)) continue;
    if (node.opType === 'Conv') { lowerConv(ctx, node, fusionFor(node)); continue; }
    const lower = LOWERINGS[node.opType];
    if (!lower) throw unsupported(node, `op type not supported (supported: ${SUPPORTED_OPS.join(', ')})`);
    lower(ctx, node);
  }
  const outputs = graph.outputs.map((name) => {
    const v = ctx.value({ name, opType: 'output', inputs: [], outputs: [], attributes: new Map() }, name);
    if (v.constant) throw new RioError('BAD_MODEL', `graph output ${name} is a constant`);
    const id = ctx.asPlain({ name, opType: 'output', inputs: [], outputs: [], attributes: new Map() }, name);
    ctx.tensors[id]!.name = name;
    return id;
  });
  let model = ctx.build(inputs, outputs, 'rio-farm ONNX→TFLite converter');
  if (options.fp16) model = toFloat16Weights(model);
  if (options.int8Weights) model = toInt8Weights(model);
  return { tflite: writeTflite(model), onnxOps, tfliteOperators: model.operators.length };
}
