/** The in-memory TFLite model the lowering builds and the writer serialises (one subgraph). */
import type { OpOptions, TensorTypeName } from './tflite-schema.ts';

export interface TflQuantization {
  readonly scale: number[];
  readonly zeroPoint: number[];
  readonly dimension: number;
}

export interface TflTensor {
  /** Mutable so graph outputs can take their ONNX names after lowering. */
  name: string;
  readonly shape: number[];
  type: TensorTypeName;
  /** Constant data, little-endian, already in TFLite layout; absent for activations. */
  data?: Uint8Array;
  quantization?: TflQuantization;
}

export interface TflOperator {
  readonly code: number;
  readonly inputs: number[];
  readonly outputs: number[];
  readonly options?: OpOptions;
  /** Operator version; raised where an op's input form needs a newer kernel (e.g. bias on TRANSPOSE_CONV). */
  readonly version?: number;
}

export interface TflModel {
  readonly tensors: TflTensor[];
  readonly operators: TflOperator[];
  readonly inputs: number[];
  readonly outputs: number[];
  readonly description: string;
}
