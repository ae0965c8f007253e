/**
 * The slice of TensorFlow Lite's schema.fbs (tensorflow/lite/schema/schema.fbs) this converter
 * writes: builtin operator codes, BuiltinOptions union indices and tensor types. Values are the
 * public schema's; they never change once published (the schema is append-only).
 */
export const Op = {
  ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6,
  LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19, RELU_N1_TO_1: 20, RELU6: 21, RESHAPE: 22,
  RESIZE_BILINEAR: 23, PAD: 34, TRANSPOSE: 39, MEAN: 40, SUB: 41, DIV: 42, SPLIT: 49, MAXIMUM: 55,
  MINIMUM: 57, PADV2: 60, TRANSPOSE_CONV: 67, RESIZE_NEAREST_NEIGHBOR: 97, LEAKY_RELU: 98,
  MIRROR_PAD: 100, HARD_SWISH: 117,
} as const;

/** BuiltinOptions union member indices (NONE = 0). */
export const Options = {
  Conv2D: 1, DepthwiseConv2D: 2, Pool2D: 5, Concatenation: 10, Add: 11, ResizeBilinear: 15,
  Reshape: 17, Mul: 21, Pad: 22, Transpose: 26, Reducer: 27, Sub: 28, Div: 29, Split: 35,
  MaximumMinimum: 39, PadV2: 43, TransposeConv: 49, ResizeNearestNeighbor: 74, LeakyRelu: 75,
  MirrorPad: 77, HardSwish: 91,
} as const;

export const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2, INT8: 9 } as const;
export type TensorTypeName = 'float32' | 'float16' | 'int32' | 'int8';
export const tensorTypeCode: Record<TensorTypeName, number> = { float32: 0, float16: 1, int32: 2, int8: 9 };

export const Padding = { SAME: 0, VALID: 1 } as const;
export const Activation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3 } as const;

/** One option-table field: slot number in the table, scalar kind, value. */
export type OptionField =
  | { slot: number; kind: 'int8' | 'int32' | 'bool'; value: number | boolean }
  | { slot: number; kind: 'float32'; value: number }
  | { slot: number; kind: 'int32[]'; value: number[] };

/** A builtin-options table: its union index and fields (default-valued fields may be omitted). */
export interface OpOptions {
  readonly union: number;
  readonly fields: readonly OptionField[];
}

/** Conv2DOptions { padding:0, stride_w:1, stride_h:2, fused_activation_function:3, dilation_w_factor:4, dilation_h_factor:5 } */
export function conv2dOptions(padding: number, strideH: number, strideW: number, activation: number, dilH = 1, dilW = 1): OpOptions {
  return { union: Options.Conv2D, fields: [
    { slot: 0, kind: 'int8', value: padding }, { slot: 1, kind: 'int32', value: strideW }, { slot: 2, kind: 'int32', value: strideH },
    { slot: 3, kind: 'int8', value: activation }, { slot: 4, kind: 'int32', value: dilW }, { slot: 5, kind: 'int32', value: dilH }] };
}

/** DepthwiseConv2DOptions { padding:0, stride_w:1, stride_h:2, depth_multiplier:3, fused_activation_function:4, dilation_w_factor:5, dilation_h_factor:6 } */
export function depthwiseOptions(padding: number, strideH: number, strideW: number, multiplier: number, activation: number, dilH = 1, dilW = 1): OpOptions {
  return { union: Options.DepthwiseConv2D, fields: [
    { slot: 0, kind: 'int8', value: padding }, { slot: 1, kind: 'int32', value: strideW }, { slot: 2, kind: 'int32', value: strideH },
    { slot: 3, kind: 'int32', value: multiplier }, { slot: 4, kind: 'int8', value: activation },
    { slot: 5, kind: 'int32', value: dilW }, { slot: 6, kind: 'int32', value: dilH }] };
}

/** Pool2DOptions { padding:0, stride_w:1, stride_h:2, filter_width:3, filter_height:4, fused_activation_function:5 } */
export function poolOptions(padding: number, strideH: number, strideW: number, kH: number, kW: number): OpOptions {
  return { union: Options.Pool2D, fields: [
    { slot: 0, kind: 'int8', value: padding }, { slot: 1, kind: 'int32', value: strideW }, { slot: 2, kind: 'int32', value: strideH },
    { slot: 3, kind: 'int32', value: kW }, { slot: 4, kind: 'int32', value: kH }] };
}

/** TransposeConvOptions { padding:0, stride_w:1, stride_h:2 } */
export function transposeConvOptions(padding: number, strideH: number, strideW: number): OpOptions {
  return { union: Options.TransposeConv, fields: [
    { slot: 0, kind: 'int8', value: padding }, { slot: 1, kind: 'int32', value: strideW }, { slot: 2, kind: 'int32', value: strideH }] };
}

/** ConcatenationOptions { axis:0, fused_activation_function:1 } */
export const concatOptions = (axis: number): OpOptions => ({ union: Options.Concatenation, fields: [{ slot: 0, kind: 'int32', value: axis }] });
/** ResizeBilinearOptions { new_height:0 (deprecated), new_width:1 (deprecated), align_corners:2, half_pixel_centers:3 } */
export const resizeBilinearOptions = (alignCorners: boolean, halfPixel: boolean): OpOptions => ({ union: Options.ResizeBilinear,
  fields: [{ slot: 2, kind: 'bool', value: alignCorners }, { slot: 3, kind: 'bool', value: halfPixel }] });
/** ResizeNearestNeighborOptions { align_corners:0, half_pixel_centers:1 } */
export const resizeNearestOptions = (alignCorners: boolean, halfPixel: boolean): OpOptions => ({ union: Options.ResizeNearestNeighbor,
  fields: [{ slot: 0, kind: 'bool', value: alignCorners }, { slot: 1, kind: 'bool', value: halfPixel }] });
/** ReshapeOptions { new_shape:0 } */
export const reshapeOptions = (shape: number[]): OpOptions => ({ union: Options.Reshape, fields: [{ slot: 0, kind: 'int32[]', value: shape }] });
/** ReducerOptions { keep_dims:0 } */
export const reducerOptions = (keepDims: boolean): OpOptions => ({ union: Options.Reducer, fields: [{ slot: 0, kind: 'bool', value: keepDims }] });
/** LeakyReluOptions { alpha:0 } */
export const leakyReluOptions = (alpha: number): OpOptions => ({ union: Options.LeakyRelu, fields: [{ slot: 0, kind: 'float32', value: alpha }] });
/** MirrorPadOptions { mode:0 } — REFLECT = 0 (excludes the border), SYMMETRIC = 1. */
export const mirrorPadOptions = (mode: number): OpOptions => ({ union: Options.MirrorPad, fields: [{ slot: 0, kind: 'int8', value: mode }] });
/** SplitOptions { num_splits:0 } */
export const splitOptions = (n: number): OpOptions => ({ union: Options.Split, fields: [{ slot: 0, kind: 'int32', value: n }] });
/** Add/Sub/Mul/DivOptions { fused_activation_function:0 } */
export const binaryOptions = (union: number): OpOptions => ({ union, fields: [{ slot: 0, kind: 'int8', value: 0 }] });
/** Option tables with no fields (PadOptions, TransposeOptions, …). */
export const emptyOptions = (union: number): OpOptions => ({ union, fields: [] });
