/**
 * Wilcoxon signed-rank test of paired differences (H0: symmetric about 0). Zeros are dropped
 * (Wilcoxon's convention), tied |d| get average ranks. Exact two-sided p from the null
 * distribution of W+ for n ≤ EXACT_MAX_N without ties; otherwise the normal approximation with
 * tie and continuity corrections (what R's wilcox.test does).
 */
import { normalCdf } from './mann-whitney.ts';

/** Above this many non-zero pairs the exact distribution (2^n sign patterns, counted by DP) gives way to the normal approximation. */
export const EXACT_MAX_N = 50;

export interface WilcoxonResult { n: number; wPlus: number; wMinus: number; p: number; method: 'exact' | 'normal' | 'none' }

export function wilcoxonSignedRank(diffs: readonly number[]): WilcoxonResult {
  const d = diffs.filter((x) => x !== 0 && Number.isFinite(x));
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, wMinus: 0, p: 1, method: 'none' };
  const order = d.map((x, i) => ({ a: Math.abs(x), s: Math.sign(x), i })).sort((x, y) => x.a - y.a || x.i - y.i);
  const ranks = new Array<number>(n);
  let tieTerm = 0;
  let ties = false;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && order[j + 1]!.a === order[i]!.a) j++;
    const t = j - i + 1;
    if (t > 1) { ties = true; tieTerm += t ** 3 - t; }
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let wPlus = 0;
  order.forEach((o, k) => { if (o.s > 0) wPlus += ranks[k]!; });
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  if (n <= EXACT_MAX_N && !ties) return { n, wPlus, wMinus, p: exactP(n, Math.min(wPlus, wMinus)), method: 'exact' };
  const mu = total / 2;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (sigma === 0) return { n, wPlus, wMinus, p: 1, method: 'normal' };
  const z = (Math.abs(wPlus - mu) - 0.5) / sigma;
  return { n, wPlus, wMinus, p: Math.min(1, 2 * (1 - normalCdf(Math.max(z, 0)))), method: 'normal' };
}

/** Two-sided exact p = 2·P(W ≤ w) under H0, counting rank-sum subsets by dynamic programming. */
function exactP(n: number, w: number): number {
  const max = (n * (n + 1)) / 2;
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = counts.slice();
    for (let s = r; s <= max; s++) next[s]! += counts[s - r]!;
    counts = next;
  }
  let le = 0;
  for (let s = 0; s <= w; s++) le += counts[s]!;
  return Math.min(1, (2 * le) / 2 ** n);
}
