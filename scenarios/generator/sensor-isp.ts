/**
 * Sensor then ISP, fused in one pass over the pixels: photon shot noise and read noise at the
 * chosen exposure and gain, clipping at full scale, then the camera's white balance and tone curve
 * into 8-bit sRGB. Order matters: noise is added before white balance amplifies channels.
 */
import { linearToSrgb } from './colour.ts';
import { meanIlluminant } from './scene-light.ts';
import { normalTable } from './rng.ts';
import type { LightingParams } from './conditions.ts';

const NORMALS = normalTable(0x5eed);
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

export function sensorAndIsp(rgb: Float32Array, p: LightingParams, noiseSeed: number): Buffer {
  const out = Buffer.allocUnsafe(rgb.length);
  const fw = p.full_well, scale = p.gain / fw, expo = p.exposure, read = p.read_noise;
  // Auto white balance removes `awb` of the light's cast; gains normalised to green, as cameras do.
  const e = meanIlluminant(p);
  const est = e.map((v) => 1 + (v - 1) * p.awb);
  const wb = [est[1]! / est[0]!, 1, est[1]! / est[2]!];
  const tone = toneTable(p.contrast);
  let st = noiseSeed | 1;
  for (let i = 0; i < rgb.length; i++) {
    const n = Math.max(0, rgb[i]! * expo * fw); // electrons
    st ^= st << 13; st ^= st >>> 17; st ^= st << 5;
    const z1 = NORMALS[st & 0xffff]!, z2 = NORMALS[(st >>> 16) & 0xffff]!;
    let v = (n + Math.sqrt(n) * z1 + read * z2) * scale;
    v = v < 0 ? 0 : v > 1 ? 1 : v; // the ADC clips at full scale
    v *= wb[i % 3]!;
    out[i] = tone[v >= 1 ? TONE_STEPS : (v * TONE_STEPS + 0.5) | 0]!;
  }
  return out;
}
