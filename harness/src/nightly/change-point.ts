/**
 * The most likely step in a series of nightly values and its significance: E-divisive means
 * (Matteson & James; α = 1) picks the split that best separates the nights before from the nights
 * after, and a pooled two-sample Student t-test — as Hunter/Otava do instead of random
 * permutations — says how surprising that split is. Deterministic: same values, same answer.
 */
import { mean } from '../stats/descriptive.ts';
import { studentTTwoSidedP } from '../stats/student-t.ts';

export interface Step {
  /** index of the first night after the step */
  at: number;
  before: number; after: number;
  t: number; p: number;
}

/** Sums of |x_i − x_j| over index rectangles in O(1) after an O(n²) table. */
function distanceSums(xs: readonly number[]) {
  const n = xs.length, w = n + 1;
  const P = new Float64Array(w * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) P[(i + 1) * w + j + 1] = Math.abs(xs[i]! - xs[j]!) + P[i * w + j + 1]! + P[(i + 1) * w + j]! - P[i * w + j]!;
  }
  /** Σ over i ∈ [a, b), j ∈ [c, d) */
  return (a: number, b: number, c: number, d: number) => P[b * w + d]! - P[a * w + d]! - P[b * w + c]! + P[a * w + c]!;
}

/** E-divisive's divergence of a split at τ (left [0, τ), right [τ, n)). */
function divergence(sum: ReturnType<typeof distanceSums>, n: number, tau: number): number {
  const m = tau, k = n - tau;
  const between = (2 / (m * k)) * sum(0, m, m, n);
  const within = (s: number, e: number, c: number) => (c > 1 ? sum(s, e, s, e) / (c * (c - 1)) : 0); // ordered pairs counted twice
  return ((m * k) / (m + k)) * (between - within(0, m, m) - within(m, n, k));
}

/**
 * The best split with at least minBefore nights before it and one after, tested with a pooled
 * t-test (a single night after is a prediction test of that night against the segment). Null when
 * no split is allowed or the nights before do not vary at all and nothing changed.
 */
export function bestStep(xs: readonly number[], minBefore: number): Step | null {
  const n = xs.length;
  if (n < minBefore + 1) return null;
  const sum = distanceSums(xs);
  let best = -1, bestQ = -Infinity;
  for (let tau = minBefore; tau < n; tau++) {
    const q = divergence(sum, n, tau);
    if (q > bestQ + 1e-12) { bestQ = q; best = tau; } // strict: the earliest of equal splits, independent of float noise
  }
  return tTest(xs, best);
}

export function tTest(xs: readonly number[], at: number): Step | null {
  const left = xs.slice(0, at), right = xs.slice(at);
  const m = left.length, k = right.length;
  const before = mean(left), after = mean(right);
  const ss = left.reduce((s, x) => s + (x - before) ** 2, 0) + right.reduce((s, x) => s + (x - after) ** 2, 0);
  const df = m + k - 2;
  if (df < 1) return null;
  const sp = Math.sqrt(ss / df);
  if (sp === 0) return before === after ? null : { at, before, after, t: Infinity, p: 0 };
  const t = (after - before) / (sp * Math.sqrt(1 / m + 1 / k));
  return { at, before, after, t, p: studentTTwoSidedP(t, df) };
}
