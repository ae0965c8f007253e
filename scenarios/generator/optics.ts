/**
 * Optics: blur happens in the lens and during the exposure, before the sensor adds noise.
 * Both blurs are running sums, so their cost does not grow with the blur size.
 */

/** Box blur of radius r along rows (3-channel float), edge-normalised. */
function boxRows(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    for (let c = 0; c < 3; c++) {
      let sum = 0, n = 0;
      for (let x = 0; x < Math.min(r, w); x++) { sum += src[row + x * 3 + c]!; n++; }
      for (let x = 0; x < w; x++) {
        const add = x + r, rem = x - r - 1;
        if (add < w) { sum += src[row + add * 3 + c]!; n++; }
        if (rem >= 0) { sum -= src[row + rem * 3 + c]!; n--; }
        dst[row + x * 3 + c] = sum / n;
      }
    }
  }
}

function boxCols(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const stride = w * 3;
  for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    const col = x * 3 + c;
    let sum = 0, n = 0;
    for (let y = 0; y < Math.min(r, h); y++) { sum += src[y * stride + col]!; n++; }
    for (let y = 0; y < h; y++) {
      const add = y + r, rem = y - r - 1;
      if (add < h) { sum += src[add * stride + col]!; n++; }
      if (rem >= 0) { sum -= src[rem * stride + col]!; n--; }
      dst[y * stride + col] = sum / n;
    }
  }
}

/** Defocus: three box passes approximate the lens blur disc's soft falloff. Returns a new buffer. */
export function defocus(rgb: Float32Array, w: number, h: number, radiusPx: number): Float32Array {
  const r = Math.max(1, Math.round(radiusPx / 1.7));
  let a: Float32Array = rgb, b: Float32Array = new Float32Array(rgb.length);
  for (let pass = 0; pass < 3; pass++) {
    boxRows(a, b, w, h, r); [a, b] = [b, a];
    boxCols(a, b, w, h, r); [a, b] = [b, a];
  }
  return a;
}

/**
 * Motion blur: average over a line of `lengthPx` at `angleDeg`. Pixels on a rasterised line
 * (x, y0 + round(x·slope)) form one family; a sliding window along each family is the blur.
 */
export function motionBlur(rgb: Float32Array, w: number, h: number, lengthPx: number, angleDeg: number): Float32Array {
  const r = Math.max(1, Math.round(lengthPx / 2));
  const a = (angleDeg * Math.PI) / 180;
  const major = Math.abs(Math.cos(a)) >= Math.abs(Math.sin(a)) ? 'x' : 'y';
  const slope = major === 'x' ? Math.tan(a) : 1 / Math.tan(a);
  const n = major === 'x' ? w : h, m = major === 'x' ? h : w;
  const out = new Float32Array(rgb.length);
  const span = Math.ceil(Math.abs(slope) * n) + 1;
  const idx = new Int32Array(n); // pixel index of each family member, −1 when off the image
  for (let o = -span; o < m + span; o++) {
    let any = false;
    for (let k = 0; k < n; k++) {
      const q = o + Math.round(k * slope);
      if (q < 0 || q >= m) { idx[k] = -1; continue; }
      idx[k] = major === 'x' ? q * w + k : k * w + q;
      any = true;
    }
    if (!any) continue;
    for (let c = 0; c < 3; c++) {
      let sum = 0, cnt = 0;
      for (let k = 0; k < Math.min(r, n); k++) if (idx[k]! >= 0) { sum += rgb[idx[k]! * 3 + c]!; cnt++; }
      for (let k = 0; k < n; k++) {
        const add = k + r, rem = k - r - 1;
        if (add < n && idx[add]! >= 0) { sum += rgb[idx[add]! * 3 + c]!; cnt++; }
        if (rem >= 0 && idx[rem]! >= 0) { sum -= rgb[idx[rem]! * 3 + c]!; cnt--; }
        if (idx[k]! >= 0) out[idx[k]! * 3 + c] = sum / cnt;
      }
    }
  }
  return out;
}
