/**
 * State shared by the per-op lowerings: the TFLite tensors and operators being built, the ONNX
 * value each TFLite tensor stands for (with its layout), and on-demand layout changes.
 * Constants stay in ONNX form until an op asks for them in the layout it needs.
 */
import { RioError } from '../../../harness/src/errors.ts';
import { NHWC_FROM_NCHW, NCHW_TO_NHWC, storedShape, transposeData, type Layout } from './layout.ts';
import type { ConstTensor, OnnxNode } from './onnx-model.ts';
import type { TflModel, TflOperator, TflTensor } from './tflite-model.ts';
import { Op, emptyOptions, Options, type OpOptions, type TensorTypeName } from './tflite-schema.ts';

/** An ONNX value as the lowering sees it: logical shape, plus either a TFLite tensor or a constant. */
export interface Value {
  readonly shape: number[];
  readonly layout: Layout;
  readonly tensor?: number;
  readonly constant?: ConstTensor;
}

export class LoweringContext {
  readonly tensors: TflTensor[] = [];
  readonly operators: TflOperator[] = [];
  private readonly values = new Map<string, Value>();
  private readonly relaid = new Map<string, number>();

  /** Registers a new TFLite tensor; `shape` is the stored shape. */
  addTensor(name: string, shape: number[], type: TensorTypeName = 'float32', data?: Uint8Array): number {
    this.tensors.push({ name, shape, type, data });
    return this.tensors.length - 1;
  }

  addOperator(code: number, inputs: number[], outputs: number[], options?: OpOptions, version?: number): void {
    this.operators.push({ code, inputs, outputs, options, version });
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  value(node: OnnxNode, name: string): Value {
    const v = this.values.get(name);
    if (!v) throw unsupported(node, `input '${name}' is not produced by any supported node`);
    return v;
  }

  set(name: string, v: Value): void {
    this.values.set(name, v);
  }

  /** A constant input, or an UNSUPPORTED_OP error naming why the op needs it constant. */
  constant(node: OnnxNode, name: string, why: string): ConstTensor {
    const c = this.value(node, name).constant;
    if (!c) throw unsupported(node, `input '${name}' must be a constant (${why})`);
    return c;
  }

  /** Creates the output tensor of a node in the given layout and records it. */
  output(name: string, shape: number[], layout: Layout): number {
    const id = this.addTensor(name, storedShape(shape, layout));
    this.values.set(name, { shape, layout, tensor: id });
    return id;
  }

  /** Float32 constant tensor with data already in TFLite layout. */
  floatConstant(name: string, shape: number[], data: Float32Array): number {
    return this.addTensor(name, shape, 'float32', new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
  }

  int32Constant(name: string, values: readonly number[], shape: number[] = [values.length]): number {
    return this.addTensor(name, shape, 'int32', new Uint8Array(Int32Array.from(values).buffer));
  }

  /** The value stored NHWC (4-D only); transposes a plain tensor or re-lays a constant. */
  asNhwc(node: OnnxNode, name: string): number {
    const v = this.value(node, name);
    if (v.shape.length !== 4) throw unsupported(node, `input '${name}' has rank ${v.shape.length}, expected 4 (NCHW)`);
    if (v.constant) return this.cachedRelayout(`${name}#nhwc`, () => this.floatConstant(`${name}_nhwc`, storedShape(v.shape, 'nhwc'),
      transposeData(toFloat(v.constant!), v.shape, NHWC_FROM_NCHW)));
    if (v.layout === 'nhwc') return v.tensor!;
    return this.cachedRelayout(`${name}#nhwc`, () => this.transpose(v.tensor!, v.shape, [...NHWC_FROM_NCHW], `${name}_nhwc`));
  }

  /** The value stored exactly in its ONNX shape. */
  asPlain(node: OnnxNode, name: string): number {
    const v = this.value(node, name);
    if (v.constant) return this.cachedRelayout(`${name}#plain`, () => v.constant!.dtype === 'int'
      ? this.int32Constant(name, v.constant!.data as number[], v.shape)
      : this.floatConstant(name, v.shape, toFloat(v.constant!)));
    if (v.layout === 'plain') return v.tensor!;
    return this.cachedRelayout(`${name}#plain`, () => this.transpose(v.tensor!, storedShape(v.shape, 'nhwc'), [...NCHW_TO_NHWC], `${name}_nchw`));
  }

  /** Emits TRANSPOSE on a stored tensor; returns the new tensor. */
  transpose(tensor: number, stored: readonly number[], perm: number[], name: string): number {
    const out = this.addTensor(name, perm.map((p) => stored[p]!));
    this.addOperator(Op.TRANSPOSE, [tensor, this.int32Constant(`${name}_perm`, perm)], [out], emptyOptions(Options.Transpose));
    return out;
  }

  private cachedRelayout(key: string, make: () => number): number {
    let id = this.relaid.get(key);
    if (id === undefined) { id = make(); this.relaid.set(key, id); }
    return id;
  }

  build(inputs: number[], outputs: number[], description: string): TflModel {
    return { tensors: this.tensors, operators: this.operators, inputs, outputs, description };
  }
}

export function toFloat(c: ConstTensor): Float32Array {
  return c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
}

/** The error every unsupported op, attribute or input form raises: op type, node name, reason. */
export function unsupported(node: OnnxNode, reason: string): RioError {
  return new RioError('UNSUPPORTED_OP', `cannot convert ONNX ${node.opType} node '${node.name}': ${reason}`, { op: node.opType, node: node.name });
}

/** Reads an attribute with a default, checking its kind. */
export function attr(node: OnnxNode, name: string, fallback: number): number;
export function attr(node: OnnxNode, name: string, fallback: string): string;
export function attr(node: OnnxNode, name: string, fallback: number[]): number[];
export function attr<T extends number | string | number[]>(node: OnnxNode, name: string, fallback: T): T {
  const v = node.attributes.get(name);
  if (v === undefined) return fallback;
  const ok = Array.isArray(fallback) ? Array.isArray(v) : typeof v === typeof fallback;
  if (!ok) throw unsupported(node, `attribute ${name} has an unexpected type`);
  return v as T;
}

/** Fails on any attribute outside `known` so an unhandled option never converts silently. */
export function checkAttributes(node: OnnxNode, known: readonly string[]): void {
  for (const name of node.attributes.keys()) {
    if (!known.includes(name)) throw unsupported(node, `attribute '${name}' is not supported`);
  }
}
