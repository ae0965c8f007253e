/** Gate verdicts and how they combine: each gate is an intersection–union test over its cells. */
export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** Non-inferiority with an upper margin (e.g. latency ratio ≤ 1.05): the bound decides, or nothing does. */
export function judgeUpper(lo: number, hi: number, margin: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'INCONCLUSIVE';
  if (hi <= margin) return 'PASS';
  if (lo > margin) return 'FAIL';
  return 'INCONCLUSIVE'; // the interval straddles the margin: more blocks could tell
}

/** Non-inferiority with a lower margin (e.g. ΔIoU ≥ −0.01). */
export function judgeLower(lo: number, hi: number, margin: number): Verdict {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'INCONCLUSIVE';
  if (lo >= margin) return 'PASS';
  if (hi < margin) return 'FAIL';
  return 'INCONCLUSIVE';
}

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
