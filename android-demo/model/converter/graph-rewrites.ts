/** Graph-level rewrites before lowering: BatchNormalization folded into the convolution feeding it. */
import { toFloat } from './lowering-context.ts';
import type { OnnxGraph, OnnxNode } from './onnx-model.ts';
import { batchNormAffine } from './ops-elementwise.ts';

/** Who reads each value (graph outputs count as a reader so they are never rewritten away). */
export function consumersOf(graph: OnnxGraph): Map<string, OnnxNode[]> {
  const map = new Map<string, OnnxNode[]>();
  for (const node of graph.nodes) for (const input of node.inputs) {
    if (!input) continue;
    if (!map.has(input)) map.set(input, []);
    map.get(input)!.push(node);
  }
  return map;
}

/**
 * Conv → BatchNormalization (inference) becomes one Conv with scaled weights and shifted bias,
 * when the Conv output feeds only that BN. Returns a new graph; the input graph is untouched.
 */
export function foldBatchNorm(graph: OnnxGraph): OnnxGraph {
  const consumers = consumersOf(graph);
  const constants = new Map(graph.constants);
  const removed = new Set<OnnxNode>();
  const replaced = new Map<OnnxNode, OnnxNode>();
  for (const conv of graph.nodes) {
    if (conv.opType !== 'Conv') continue;
    const out = conv.outputs[0]!;
    const readers = consumers.get(out) ?? [];
    const bn = readers[0];
    if (readers.length !== 1 || bn!.opType !== 'BatchNormalization' || bn!.inputs[0] !== out || graph.outputs.includes(out)) continue;
    if ((bn!.attributes.get('training_mode') ?? 0) !== 0) continue;
    const params = bn!.inputs.slice(1, 5).map((n) => constants.get(n));
    const weight = constants.get(conv.inputs[1]!);
    const bias = conv.inputs[2] ? constants.get(conv.inputs[2]) : undefined;
    if (params.some((p) => !p) || !weight || (conv.inputs[2] && !bias)) continue;
    const [gamma, beta, mean, variance] = params.map((p) => toFloat(p!)) as Float32Array[];
    const eps = Number(bn!.attributes.get('epsilon') ?? 1e-5);
    const { scale, shift } = batchNormAffine(gamma!, beta!, mean!, variance!, eps);
    const cout = weight.dims[0]!;
    const perOut = weight.data.length / cout;
    const w = toFloat(weight).map((x, i) => x * scale[Math.floor(i / perOut)]!);
    const b0 = bias ? toFloat(bias) : new Float32Array(cout);
    const b = b0.map((x, i) => x * scale[i]! + shift[i]!);
    const wName = `${conv.name}_bnfolded_weight`, bName = `${conv.name}_bnfolded_bias`;
    constants.set(wName, { dims: weight.dims, dtype: 'float', data: w });
    constants.set(bName, { dims: [cout], dtype: 'float', data: b });
    replaced.set(conv, { ...conv, inputs: [conv.inputs[0]!, wName, bName], outputs: [bn!.outputs[0]!] });
    removed.add(bn!);
  }
  const nodes = graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n);
  return { ...graph, nodes, constants };
}
