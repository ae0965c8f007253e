/**
 * Serialises a TflModel as a .tflite flatbuffer with the `flatbuffers` Builder and hand-written
 * field slots from the public schema.fbs. Layout rules the TFLite loader insists on: identifier
 * "TFL3", buffer 0 is an empty sentinel, constant buffers 16-byte aligned, and each OperatorCode
 * carries both `deprecated_builtin_code` (byte) and `builtin_code` (int).
 */
import { Builder } from 'flatbuffers';
import type { TflModel, TflTensor } from './tflite-model.ts';
import { tensorTypeCode, type OpOptions } from './tflite-schema.ts';

const SCHEMA_VERSION = 3;

/** Builder internals we need to align a byte vector to 16 (createByteVector aligns to 1). */
interface BuilderInternals { space: number; bb: { bytes(): Uint8Array; setPosition(p: number): void } }

function alignedBytes(b: Builder, data: Uint8Array): number {
  b.startVector(1, data.length, 16);
  const inner = b as unknown as BuilderInternals;
  inner.bb.setPosition((inner.space -= data.length));
  inner.bb.bytes().set(data, inner.space);
  return b.endVector();
}

function intVector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
  return b.endVector();
}

function floatVector(b: Builder, values: readonly number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function longVector(b: Builder, values: readonly number[]): number {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]!));
  return b.endVector();
}

function offsetVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

function writeOptions(b: Builder, options: OpOptions): number {
  const vectors = new Map<number, number>();
  for (const f of options.fields) if (f.kind === 'int32[]') vectors.set(f.slot, intVector(b, f.value));
  b.startObject(Math.max(0, ...options.fields.map((f) => f.slot + 1)));
  for (const f of options.fields) {
    if (f.kind === 'int8') b.addFieldInt8(f.slot, Number(f.value), -1);
    else if (f.kind === 'bool') b.addFieldInt8(f.slot, f.value ? 1 : 0, -1);
    else if (f.kind === 'int32') b.addFieldInt32(f.slot, Number(f.value), -1 >>> 1);
    else if (f.kind === 'float32') b.addFieldFloat32(f.slot, f.value, Number.NaN);
    else b.addFieldOffset(f.slot, vectors.get(f.slot)!, 0);
  }
  return b.endObject();
}

/** QuantizationParameters { min:0, max:1, scale:2, zero_point:3, details_type:4, details:5, quantized_dimension:6 } */
function writeQuantization(b: Builder, t: TflTensor): number {
  const q = t.quantization!;
  const scale = floatVector(b, q.scale);
  const zero = longVector(b, q.zeroPoint);
  b.startObject(7);
  b.addFieldOffset(2, scale, 0);
  b.addFieldOffset(3, zero, 0);
  b.addFieldInt32(6, q.dimension, -1);
  return b.endObject();
}

/** Tensor { shape:0, type:1, buffer:2, name:3, quantization:4, is_variable:5 } */
function writeTensor(b: Builder, t: TflTensor, buffer: number): number {
  const name = b.createString(t.name);
  const shape = intVector(b, t.shape);
  const quant = t.quantization ? writeQuantization(b, t) : 0;
  b.startObject(5);
  b.addFieldOffset(0, shape, 0);
  b.addFieldInt8(1, tensorTypeCode[t.type], -1);
  b.addFieldInt32(2, buffer, -1);
  b.addFieldOffset(3, name, 0);
  if (quant) b.addFieldOffset(4, quant, 0);
  return b.endObject();
}

/** Encodes the model; returns the .tflite bytes. */
export function writeTflite(model: TflModel): Uint8Array {
  const b = new Builder(1 << 20);

  // Buffers: 0 is the empty sentinel, then one per constant tensor.
  const bufferOf: number[] = [];
  const bufferTables: number[] = [];
  b.startObject(1);
  bufferTables.push(b.endObject());
  for (const t of model.tensors) {
    if (!t.data) { bufferOf.push(0); continue; }
    const data = alignedBytes(b, t.data);
    b.startObject(1); // Buffer { data:0 }
    b.addFieldOffset(0, data, 0);
    bufferOf.push(bufferTables.length);
    bufferTables.push(b.endObject());
  }

  const tensors = model.tensors.map((t, i) => writeTensor(b, t, bufferOf[i]!));

  // Operator codes, deduplicated by (code, version).
  const codeKeys: string[] = [];
  const codeIndex = (code: number, version: number): number => {
    const key = `${code}/${version}`;
    let i = codeKeys.indexOf(key);
    if (i < 0) { i = codeKeys.length; codeKeys.push(key); }
    return i;
  };
  const opIndices = model.operators.map((op) => codeIndex(op.code, op.version ?? 1));
  const operators = model.operators.map((op, k) => {
    const inputs = intVector(b, op.inputs);
    const outputs = intVector(b, op.outputs);
    const options = op.options ? writeOptions(b, op.options) : 0;
    // Operator { opcode_index:0, inputs:1, outputs:2, builtin_options_type:3, builtin_options:4 }
    b.startObject(5);
    b.addFieldInt32(0, opIndices[k]!, -1);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    if (op.options) {
      b.addFieldInt8(3, op.options.union, -1);
      b.addFieldOffset(4, options, 0);
    }
    return b.endObject();
  });
  const operatorCodes = codeKeys.map((key) => {
    const [code, version] = key.split('/').map(Number) as [number, number];
    // OperatorCode { deprecated_builtin_code:0 (byte), custom_code:1, version:2, builtin_code:3 (int) }
    b.startObject(4);
    b.addFieldInt8(0, Math.min(code, 127), -1);
    b.addFieldInt32(2, version, -1);
    b.addFieldInt32(3, code, -1);
    return b.endObject();
  });

  const tensorsVec = offsetVector(b, tensors);
  const inputsVec = intVector(b, model.inputs);
  const outputsVec = intVector(b, model.outputs);
  const operatorsVec = offsetVector(b, operators);
  const subgraphName = b.createString('main');
  // SubGraph { tensors:0, inputs:1, outputs:2, operators:3, name:4 }
  b.startObject(5);
  b.addFieldOffset(0, tensorsVec, 0);
  b.addFieldOffset(1, inputsVec, 0);
  b.addFieldOffset(2, outputsVec, 0);
  b.addFieldOffset(3, operatorsVec, 0);
  b.addFieldOffset(4, subgraphName, 0);
  const subgraph = b.endObject();

  const codesVec = offsetVector(b, operatorCodes);
  const subgraphsVec = offsetVector(b, [subgraph]);
  const description = b.createString(model.description);
  const buffersVec = offsetVector(b, bufferTables);
  // Model { version:0, operator_codes:1, subgraphs:2, description:3, buffers:4 }
  b.startObject(5);
  b.addFieldInt32(0, SCHEMA_VERSION, -1);
  b.addFieldOffset(1, codesVec, 0);
  b.addFieldOffset(2, subgraphsVec, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVec, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}
