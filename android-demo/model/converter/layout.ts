/**
 * NCHW (ONNX) ↔ NHWC (TFLite) bookkeeping. A 4-D activation produced by a spatial op is stored
 * NHWC while the ONNX graph still talks about it in NCHW; `Layout` records which of the two a
 * stored tensor uses so axes, pads and permutations can be translated.
 */
export type Layout = 'plain' | 'nhwc';

/** Stored NHWC axis i holds logical NCHW axis NHWC_FROM_NCHW[i]. */
export const NHWC_FROM_NCHW = [0, 2, 3, 1] as const;
/** Logical NCHW axis j is stored at NCHW_TO_NHWC[j]. */
export const NCHW_TO_NHWC = [0, 3, 1, 2] as const;

/** Shape as stored, given the logical ONNX shape and layout. */
export function storedShape(shape: readonly number[], layout: Layout): number[] {
  return layout === 'nhwc' ? NHWC_FROM_NCHW.map((a) => shape[a]!) : [...shape];
}

/** Maps a logical (possibly negative) axis of a rank-r tensor to the stored axis. */
export function storedAxis(axis: number, rank: number, layout: Layout): number {
  const a = axis < 0 ? axis + rank : axis;
  return layout === 'nhwc' ? NCHW_TO_NHWC[a]! : a;
}

/** Row-major transpose of `data` with shape `dims` by `perm` (out axis i = in axis perm[i]). */
export function transposeData<T extends Float32Array | number[]>(data: T, dims: readonly number[], perm: readonly number[]): T {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) { inStrides[i] = s; s *= dims[i]!; }
  const out = (Array.isArray(data) ? new Array<number>(data.length) : new Float32Array(data.length)) as T;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i]! * inStrides[perm[i]!]!;
    out[o] = data[src]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i]! < outDims[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}
