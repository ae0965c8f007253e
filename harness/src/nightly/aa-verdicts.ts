/**
 * Compare's A/A behaviour on recorded same-build nights: every consecutive pair of nights compared,
 * every verdict other than "no significant change" / "insufficient data" a false alarm. Also the
 * rule before issue 20 (frames bootstrapped one by one) on the same pairs, for the before/after figure.
 */
import { compareRuns, iouValues, latencyValues, LATENCY_MIN_CHANGE, IOU_MIN_CHANGE, type CompareCell, type RunSide } from '../compare/compare-runs.ts';
import { bootstrapDiffCI, seedFrom } from '../stats/bootstrap.ts';
import { mean, median, quantileSorted } from '../stats/descriptive.ts';
import { measurementRows, type AaNight } from './aa-fixture.ts';

export interface AaRates { pairs: number; cells: number; verdictCells: number; failedPairs: number; insufficientCells: number; latencyVerdicts: number; iouVerdicts: number }

export function nightSide(n: AaNight): RunSide {
  return { id: n.run_id, devices: [{ serial: n.device.serial, manufacturer: null, model: n.device.model, virtual: n.device.virtual }],
    measurements: measurementRows(n) };
}

const judged = (v: string) => v === 'better' || v === 'worse';

/** Consecutive pairs (n−1, n) from night `from` on; history = up to `historyRuns` nights before n−1 (0: none). */
export function aaCompareRates(nights: readonly AaNight[], historyRuns: number, from = 1): AaRates {
  const sides = nights.map(nightSide);
  const out: AaRates = { pairs: 0, cells: 0, verdictCells: 0, failedPairs: 0, insufficientCells: 0, latencyVerdicts: 0, iouVerdicts: 0 };
  for (let i = Math.max(1, from); i < sides.length; i++) {
    const history = historyRuns > 0 ? sides.slice(Math.max(0, i - 1 - historyRuns), i - 1) : [];
    const cells = compareRuns(sides[i - 1]!, sides[i]!, { history });
    count(out, cells.map((c) => [c.latency.verdict, c.iou.verdict]));
  }
  return out;
}

/** The rule before issue 20: frames resampled one by one, no history. */
export function aaFrameBootstrapRates(nights: readonly AaNight[], from = 1): AaRates {
  const sides = nights.map(nightSide);
  const out: AaRates = { pairs: 0, cells: 0, verdictCells: 0, failedPairs: 0, insufficientCells: 0, latencyVerdicts: 0, iouVerdicts: 0 };
  for (let i = Math.max(1, from); i < sides.length; i++) {
    const cells = compareRuns(sides[i - 1]!, sides[i]!); // only for its cell list and values
    count(out, cells.map((c) => frameVerdicts(c, sides[i - 1]!, sides[i]!)));
  }
  return out;
}

function count(out: AaRates, cells: [string, string][]): void {
  out.pairs++;
  let worse = false;
  for (const [lat, iou] of cells) {
    out.cells++;
    if (judged(lat) || judged(iou)) out.verdictCells++;
    if (judged(lat)) out.latencyVerdicts++;
    if (judged(iou)) out.iouVerdicts++;
    if (lat === 'insufficient data' && iou === 'insufficient data') out.insufficientCells++;
    if (lat === 'worse' || iou === 'worse') worse = true;
  }
  if (worse) out.failedPairs++;
}

function frameVerdicts(c: CompareCell, a: RunSide, b: RunSide): [string, string] {
  const rows = (s: RunSide) => s.measurements.filter((m) => c.lighting === '*' || m.lighting === c.lighting);
  const one = (xa: number[], xb: number[], stat: (x: Float64Array) => number, plain: (x: number[]) => number, lowerIsBetter: boolean,
    matters: (d: number, base: number) => boolean, seed: string) => {
    if (xa.length < 10 || xb.length < 10) return 'insufficient data';
    const [lo, hi] = bootstrapDiffCI(xa, xb, stat, seedFrom(seed));
    const d = plain(xb) - plain(xa);
    if (!((lo > 0 || hi < 0) && matters(d, plain(xa)))) return 'no significant change';
    return (d > 0) === lowerIsBetter ? 'worse' : 'better';
  };
  return [
    one(latencyValues(rows(a)), latencyValues(rows(b)), (s) => quantileSorted(s, 0.5), median, true,
      (d, base) => Math.abs(d) >= LATENCY_MIN_CHANGE * base, `${c.device}/${c.lighting}/lat`),
    one(iouValues(rows(a)), iouValues(rows(b)), (s) => mean(s), mean, false, (d) => Math.abs(d) >= IOU_MIN_CHANGE, `${c.device}/${c.lighting}/iou`),
  ];
}

export const rate = (n: number, d: number) => (d ? `${n}/${d} (${(100 * n / d).toFixed(1)}%)` : '—');
