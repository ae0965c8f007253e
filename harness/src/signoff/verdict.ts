/** Gate verdicts and how they combine: each gate is an intersection–union test over its cells. */
export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/*
 * A margin-based verdict in three outcomes. PASS when the bound clears the margin (non-inferiority
 * shown). FAIL when the whole interval is past the margin — or when the bound misses it and the
 * interval is narrow enough to resolve the margin: no wider than the distance from "no change"
 * (`reference`: ratio 1, difference 0) to the margin. Otherwise INCONCLUSIVE: the interval is wider
 * than the margin, and more blocks could tell. Without the resolution rule a candidate exactly at
 * the margin (5% slower against 1.05) could FAIL at most half the time however much was measured;
 * with it, a precise interval decides either way, and a noisy one never FAILs on noise alone.
 */

/** Non-inferiority with an upper margin (e.g. latency ratio ≤ 1.05, reference 1). */
export function judgeUpper(lo: number, hi: number, margin: number, reference: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'INCONCLUSIVE';
  if (hi <= margin) return 'PASS';
  if (lo > margin || resolves(lo, hi, margin, reference)) return 'FAIL';
  return 'INCONCLUSIVE';
}

/** Non-inferiority with a lower margin (e.g. ΔIoU ≥ −0.01, reference 0). */
export function judgeLower(lo: number, hi: number, margin: number, reference: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'INCONCLUSIVE';
  if (lo >= margin) return 'PASS';
  if (hi < margin || resolves(lo, hi, margin, reference)) return 'FAIL';
  return 'INCONCLUSIVE';
}

/** The interval is no wider than the margin's distance from no change: it can tell the two apart. */
const resolves = (lo: number, hi: number, margin: number, reference: number) => hi - lo <= Math.abs(margin - reference);

/**
 * Intersection–union: the whole passes only if every cell passes (each tested at the full level,
 * so no multiplicity correction is needed); one failed cell fails it; otherwise it is undecided.
 */
export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('FAIL')) return 'FAIL';
  if (verdicts.length === 0 || verdicts.includes('INCONCLUSIVE')) return 'INCONCLUSIVE';
  return 'PASS';
}

/** Figures as stored in the report: 10 significant digits (stable text), NaN/∞ as null. */
export function figure(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(10)) : null;
}
