/** Descriptive statistics over plain number arrays (latencies in ms, IoUs). */

export function mean(xs: ArrayLike<number> & Iterable<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1); NaN below two values. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Quantile of sorted values with linear interpolation (R type 7, numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function quantile(xs: ArrayLike<number>, q: number): number {
  // A typed array sorts numerically and far faster than Array#sort with a comparator (bootstraps call this a lot).
  return quantileSorted(Float64Array.from(xs).sort(), q);
}

export const median = (xs: ArrayLike<number>) => quantile(xs, 0.5);

/**
 * quantileSorted(xs sorted, q) for each q, without sorting: the order statistics it reads are
 * selected (a bootstrap's 1,000 resample statistics give two percentiles — a sort took ~0.1 ms, and
 * an ingested run has thousands of them). The k-th smallest value is the same however it is found,
 * except where the sort orders values `<` cannot (NaN, -0 before +0): then `sort` gives the order.
 */
export function quantilesOf(xs: ArrayLike<number>, qs: readonly number[],
  sort: (xs: ArrayLike<number>) => ArrayLike<number> = (v) => Float64Array.from(v).sort()): number[] {
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    if (v !== v || (v === 0 && 1 / v < 0)) { const sorted = sort(xs); return qs.map((q) => quantileSorted(sorted, q)); }
  }
  if (n === 0) return qs.map(() => NaN);
  const a = Float64Array.from(xs);
  return qs.map((q) => {
    const h = (n - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
    const xLo = select(a, lo), xHi = select(a, hi);
    return xLo + (h - lo) * (xHi - xLo);
  });
}

/** The k-th smallest of a (Hoare's selection; reorders a, which stays a permutation of it). */
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const x = a[lo]!, y = a[(lo + hi) >>> 1]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
