/**
 * Sensor then ISP, fused in one pass over the pixels: photon shot noise and read noise at the
 * chosen exposure and gain, clipping at full scale, then the camera's white balance and tone curve
 * into 8-bit sRGB. Order matters: noise is added before white balance amplifies channels.
 */
import { linearToSrgb } from './colour.ts';
import { meanIlluminant } from './scene-light.ts';
import { normalTable } from './rng.ts';
import type { LightingParams } from './conditions.ts';

/** 2^20 standard normals; a frame reads them from two seeded offsets (cheaper than a PRNG per value). */
const NORMAL_BITS = 20;
const NORMALS = normalTable(0x5eed, 1 << NORMAL_BITS);
const MASK = (1 << NORMAL_BITS) - 1;
const TONE_STEPS = 4096;

/** Linear [0,1] → sRGB byte with the S-curve, as a lookup table. */
function toneTable(contrast: number): Uint8Array {
  const t = new Uint8Array(TONE_STEPS + 1);
  for (let i = 0; i <= TONE_STEPS; i++) {
    const y = linearToSrgb(i / TONE_STEPS);
    const s = y + contrast * (y * y * (3 - 2 * y) - y);
    t[i] = Math.round(Math.min(1, Math.max(0, s)) * 255);
  }
  return t;
}

/** 8-bit sRGB of linear scene light `rgb`, into `out` (reused by a render thread) or a new buffer. */
export function sensorAndIsp(rgb: Float32Array, p: LightingParams, noiseSeed: number, out: Buffer = Buffer.allocUnsafe(rgb.length)): Buffer {
  if (out.length !== rgb.length) throw new RangeError(`sensor output holds ${out.length} bytes, the frame has ${rgb.length}`);
  const fw = p.full_well, scale = p.gain / fw, expo = p.exposure, read = p.read_noise;
  // Auto white balance removes `awb` of the light's cast; gains normalised to green, as cameras do.
  const e = meanIlluminant(p);
  const est = e.map((v) => 1 + (v - 1) * p.awb);
  const wb = [est[1]! / est[0]!, 1, est[1]! / est[2]!];
  const tone = toneTable(p.contrast);
  const wbR = wb[0]!, wbB = wb[2]!;
  // Two independent offsets into the table: shot noise and read noise must not be correlated.
  let o1 = noiseSeed & MASK, o2 = ((noiseSeed >>> 7) * 2654435761) & MASK;
  // Channels unrolled (R, G, B each with its white-balance gain): this loop runs for every subpixel.
  for (let i = 0; i < rgb.length; i += 3) {
    o1 = (o1 + 1) & MASK; o2 = (o2 + 3) & MASK;
    out[i] = tone[toneIndex(adc(rgb[i]! * expo * fw, NORMALS[o1]!, NORMALS[o2]!, read, scale) * wbR)]!;
    o1 = (o1 + 1) & MASK; o2 = (o2 + 3) & MASK;
    out[i + 1] = tone[toneIndex(adc(rgb[i + 1]! * expo * fw, NORMALS[o1]!, NORMALS[o2]!, read, scale))]!;
    o1 = (o1 + 1) & MASK; o2 = (o2 + 3) & MASK;
    out[i + 2] = tone[toneIndex(adc(rgb[i + 2]! * expo * fw, NORMALS[o1]!, NORMALS[o2]!, read, scale) * wbB)]!;
  }
  return out;
}

/** Electrons `n` plus shot and read noise, × gain ÷ full well, clipped by the ADC to 0…1. */
function adc(n: number, shot: number, readNoise: number, read: number, scale: number): number {
  const v = ((n > 0 ? n + Math.sqrt(n) * shot : 0) + read * readNoise) * scale;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function toneIndex(v: number): number {
  return v >= 1 ? TONE_STEPS : (v * TONE_STEPS + 0.5) | 0;
}
