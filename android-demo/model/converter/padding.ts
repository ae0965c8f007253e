/**
 * ONNX explicit pads → TFLite padding. TFLite only knows SAME (pad total split floor/ceil) and
 * VALID; PyTorch pads symmetrically, which differs from SAME on stride-2 layers. When the window
 * positions match SAME exactly we use it, otherwise the caller emits an explicit PAD + VALID.
 */
import { Padding } from './tflite-schema.ts';

export interface SpatialGeometry {
  readonly kernel: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  /** [top, left, bottom, right] as in ONNX pads for 2-D. */
  readonly pads: [number, number, number, number];
}

export type PaddingPlan =
  | { kind: 'native'; padding: number; out: [number, number] }
  | { kind: 'explicit'; pads: [number, number, number, number]; out: [number, number] };

function outSize(size: number, k: number, s: number, d: number, before: number, after: number): number {
  return Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1;
}

/** The cheapest exact TFLite padding for a conv/pool over an input of spatial size [h, w]. */
export function planPadding(h: number, w: number, g: SpatialGeometry): PaddingPlan {
  const [pt, pl, pb, pr] = g.pads;
  const out: [number, number] = [
    outSize(h, g.kernel[0], g.stride[0], g.dilation[0], pt, pb),
    outSize(w, g.kernel[1], g.stride[1], g.dilation[1], pl, pr),
  ];
  if (pt === 0 && pl === 0 && pb === 0 && pr === 0) return { kind: 'native', padding: Padding.VALID, out };
  const same = (size: number, i: 0 | 1, before: number, o: number): boolean => {
    const sOut = Math.ceil(size / g.stride[i]);
    const total = Math.max((sOut - 1) * g.stride[i] + (g.kernel[i] - 1) * g.dilation[i] + 1 - size, 0);
    return sOut === o && Math.floor(total / 2) === before;
  };
  if (same(h, 0, pt, out[0]) && same(w, 1, pl, out[1])) return { kind: 'native', padding: Padding.SAME, out };
  return { kind: 'explicit', pads: g.pads, out };
}

/** ONNX auto_pad → explicit pads, per the ONNX spec (SAME_UPPER puts the extra pad at the end). */
export function autoPads(autoPad: string, h: number, w: number, k: [number, number], s: [number, number], d: [number, number]): [number, number, number, number] | undefined {
  if (autoPad === 'NOTSET') return undefined;
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  const total = (size: number, i: 0 | 1) => Math.max((Math.ceil(size / s[i]) - 1) * s[i] + (k[i] - 1) * d[i] + 1 - size, 0);
  const th = total(h, 0), tw = total(w, 1);
  const lower = autoPad === 'SAME_LOWER';
  const before = (t: number) => (lower ? Math.ceil(t / 2) : Math.floor(t / 2));
  return [before(th), before(tw), th - before(th), tw - before(tw)];
}
