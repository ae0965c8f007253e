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
