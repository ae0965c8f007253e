/** sRGB ↔ linear light. The generator works in linear light (physics), the JPEG holds sRGB. */

/** sRGB byte → linear, as a 256-entry table. */
export const SRGB_TO_LINEAR = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    t[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  return t;
})();

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

export function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
}

/** '#rrggbb' → linear RGB. */
export function hexToLinear(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [SRGB_TO_LINEAR[(v >> 16) & 255]!, SRGB_TO_LINEAR[(v >> 8) & 255]!, SRGB_TO_LINEAR[v & 255]!];
}

/** RGBA or RGB bytes (as sharp gives them) → linear RGB floats, alpha composited over `under`. */
export function bytesToLinear(bytes: Uint8Array, channels: number, under: [number, number, number] = [0, 0, 0]): Float32Array {
  const n = bytes.length / channels;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = channels === 4 ? bytes[i * 4 + 3]! / 255 : 1;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = SRGB_TO_LINEAR[bytes[i * channels + c]!]! * a + under[c]! * (1 - a);
  }
  return out;
}

/**
 * Linear RGB of a black body at `kelvin`, normalised so 6500 K is white (1, 1, 1).
 * Tanner Helland's fit of the Planckian locus, adequate for lighting casts.
 */
export function blackBody(kelvin: number): [number, number, number] {
  const raw = (k: number): [number, number, number] => {
    const t = k / 100;
    const r = t <= 66 ? 255 : 329.698727446 * Math.pow(t - 60, -0.1332047592);
    const g = t <= 66 ? 99.4708025861 * Math.log(t) - 161.1195681661 : 288.1221695283 * Math.pow(t - 60, -0.0755148492);
    const b = t >= 66 ? 255 : t <= 19 ? 0 : 138.5177312231 * Math.log(t - 10) - 305.0447927307;
    const cl = (v: number) => srgbToLinear(Math.min(255, Math.max(0, v)) / 255);
    return [cl(r), cl(g), cl(b)];
  };
  const c = raw(kelvin), w = raw(6500);
  return [c[0] / w[0], c[1] / w[1], c[2] / w[2]];
}
