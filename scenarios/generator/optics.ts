/**
 * Optics: blur happens in the lens and during the exposure, before the sensor adds noise.
 * Both blurs are running sums, so their cost does not grow with the blur size.
 */

/**
 * Box blur of radius r along rows (3-channel float), edge-normalised. The three channels share the
 * window count; each channel's running sum takes the same additions in the same order as alone.
 */
function boxRows(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    let s0 = 0, s1 = 0, s2 = 0, n = 0;
    for (let x = 0; x < Math.min(r, w); x++) {
      const a = row + x * 3;
      s0 += src[a]!; s1 += src[a + 1]!; s2 += src[a + 2]!; n++;
    }
    for (let x = 0; x < w; x++) {
      const add = x + r, rem = x - r - 1;
      if (add < w) { const a = row + add * 3; s0 += src[a]!; s1 += src[a + 1]!; s2 += src[a + 2]!; n++; }
      if (rem >= 0) { const a = row + rem * 3; s0 -= src[a]!; s1 -= src[a + 1]!; s2 -= src[a + 2]!; n--; }
      const d = row + x * 3;
      dst[d] = s0 / n; dst[d + 1] = s1 / n; dst[d + 2] = s2 / n;
    }
  }
}

/**
 * Box blur of radius r along columns: a running sum per column, advanced row by row (memory order);
 * each column's sum takes the same additions and subtractions in the same order as a column walk.
 */
function boxCols(src: Float32Array, dst: Float32Array, w: number, h: number, r: number): void {
  const stride = w * 3;
  const sum = new Float64Array(stride);
  let n = 0;
  for (let y = 0; y < Math.min(r, h); y++, n++) {
    for (let col = 0, a = y * stride; col < stride; col++, a++) sum[col]! += src[a]!;
  }
  for (let y = 0; y < h; y++) {
    const add = y + r, rem = y - r - 1;
    const a = add < h ? add * stride : -1, b = rem >= 0 ? rem * stride : -1, d = y * stride;
    if (a >= 0) n++;
    if (b >= 0) n--;
    for (let col = 0; col < stride; col++) {
      let s = sum[col]!;
      if (a >= 0) s += src[a + col]!;
      if (b >= 0) s -= src[b + col]!;
      sum[col] = s;
      dst[d + col] = s / n;
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
  const step = new Int32Array(n); // Math.round(k·slope), the same for every family
  for (let k = 0; k < n; k++) step[k] = Math.round(k * slope);
  for (let o = -span; o < m + span; o++) {
    let first = n, last = -1;
    for (let k = 0; k < n; k++) {
      const q = o + step[k]!;
      if (q < 0 || q >= m) { idx[k] = -1; continue; }
      idx[k] = major === 'x' ? q * w + k : k * w + q;
      if (first === n) first = k;
      last = k;
    }
    if (last < 0) continue;
    // The window adds, drops and writes only members on the image, so the steps before first − r
    // and after last + r + 1 do nothing; the three channels advance together, each as alone.
    let s0 = 0, s1 = 0, s2 = 0, cnt = 0;
    for (let k = 0; k < Math.min(r, n); k++) if (idx[k]! >= 0) { const p = idx[k]! * 3; s0 += rgb[p]!; s1 += rgb[p + 1]!; s2 += rgb[p + 2]!; cnt++; }
    for (let k = Math.max(0, first - r), end = Math.min(n - 1, last + r + 1); k <= end; k++) {
      const add = k + r, rem = k - r - 1;
      if (add < n && idx[add]! >= 0) { const p = idx[add]! * 3; s0 += rgb[p]!; s1 += rgb[p + 1]!; s2 += rgb[p + 2]!; cnt++; }
      if (rem >= 0 && idx[rem]! >= 0) { const p = idx[rem]! * 3; s0 -= rgb[p]!; s1 -= rgb[p + 1]!; s2 -= rgb[p + 2]!; cnt--; }
      if (idx[k]! >= 0) { const p = idx[k]! * 3; out[p] = s0 / cnt; out[p + 1] = s1 / cnt; out[p + 2] = s2 / cnt; }
    }
  }
  return out;
}
