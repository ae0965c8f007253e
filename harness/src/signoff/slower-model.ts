/**
 * A genuinely slower copy of a model, for the sign-off's slow-inference fault: K extra 1×1
 * convolutions with zero weights run on the input image and are added back to it, so every output
 * is bit-identical (x + 0 = x) while each inference does K convolutions' more work — a candidate
 * that is slower for real (same accuracy gates, a latency gate to FAIL), not a relabelled one.
 */
import { createRequire } from 'node:module';
import { RioError } from '../errors.ts';

const require = createRequire(import.meta.url);
const FLOAT = 1; // onnx.TensorProto.DataType.FLOAT
const INTS = 7; // onnx.AttributeProto.AttributeType.INTS
const INT = 2;

interface Node { input: string[]; output: string[]; name?: string; opType: string; attribute?: unknown[] }
interface Graph { node: Node[]; initializer: unknown[] }
interface OnnxNs {
  ModelProto: { decode(b: Uint8Array): { graph?: Graph }; encode(m: unknown): { finish(): Uint8Array } };
  NodeProto: { create(p: unknown): Node };
  TensorProto: { create(p: unknown): unknown };
  AttributeProto: { create(p: unknown): unknown };
}

/**
 * The model with `convs` dead-work convolutions before its first layer. The graph's image input is
 * NHWC and transposed to NCHW first (export.py); the work is inserted on that NCHW tensor, 3 channels
 * in and out. Throws BAD_MODEL when the graph does not start that way.
 */
export function slowerOnnx(bytes: Uint8Array, convs: number): Uint8Array {
  // 1×1, 3 → 3 channels at the input's full resolution: a probe of process CPU time read +4–7% per
  // convolution on the release model in LiteRT.js (a 3×3 one: ≈ +40%, too coarse a step); 8 of them
  // read > 1.1 in the sign-off spec.
  if (!Number.isInteger(convs) || convs < 1 || convs > 1000) throw new RioError('BAD_ARGUMENT', `extra convolutions must be an integer from 1 to 1000, got ${convs}`, { option: '--extra-convs' });
  const { onnx } = require('onnx-proto') as { onnx: OnnxNs };
  const model = onnx.ModelProto.decode(bytes);
  const g = model.graph;
  const first = g?.node[0];
  if (!g || first?.opType !== 'Transpose') throw new RioError('BAD_MODEL', 'the graph does not start with the NHWC→NCHW Transpose of its image input');
  const x = first.output[0]!;
  const consumers = g.node.filter((n) => n.input.includes(x));
  const ints = (name: string, v: number[]) => onnx.AttributeProto.create({ name, type: INTS, ints: v });
  const zeros = (name: string, dims: number[]) => onnx.TensorProto.create({ name, dataType: FLOAT, dims,
    rawData: new Uint8Array(4 * dims.reduce((a, b) => a * b, 1)) });
  const added: Node[] = [];
  let h = x;
  for (let i = 0; i < convs; i++) {
    const w = `dead_work/w${i}`, b = `dead_work/b${i}`, out = `dead_work/conv${i}`;
    g.initializer.push(zeros(w, [3, 3, 1, 1]), zeros(b, [3]));
    added.push(onnx.NodeProto.create({ name: out, opType: 'Conv', input: [h, w, b], output: [out], attribute: [
      ints('kernel_shape', [1, 1]), ints('pads', [0, 0, 0, 0]), ints('strides', [1, 1]), ints('dilations', [1, 1]),
      onnx.AttributeProto.create({ name: 'group', type: INT, i: 1 })] }));
    h = out;
  }
  const sum = 'dead_work/sum';
  added.push(onnx.NodeProto.create({ name: sum, opType: 'Add', input: [x, h], output: [sum] }));
  for (const n of consumers) n.input = n.input.map((v) => (v === x ? sum : v));
  g.node.splice(1, 0, ...added);
  return onnx.ModelProto.encode(model).finish();
}
