/**
 * Accuracy gates per device × lighting, on frames both arms processed: mean ΔIoU (missed card =
 * IoU 0), Δ detection rate, Δ false-detection rate on empty frames, Δ crop success (share of card
 * frames cropped at IoU ≥ crop_iou). Bounds by the same block-pair bootstrap as latency.
 */
import { seedFrom } from '../stats/bootstrap.ts';
import { pairedBootstrap } from '../stats/paired-bootstrap.ts';
import { wilcoxonSignedRank } from '../stats/wilcoxon.ts';
import type { BlockPair } from './evidence.ts';
import type { SignoffPolicy } from './policy.ts';
import { byUnit, wilcoxonFigures, type GateCell } from './latency-gate.ts';
import { figure, judgeLower, judgeUpper } from './verdict.ts';

/** A lighting needs frames in at least this many ABBA units before its bounds mean anything. */
export const MIN_UNITS_PER_CELL = 2;

/** Per-pair sums for one lighting: the bootstrap adds these up over the drawn pairs. */
interface CellSums {
  cardFrames: number; dIoU: number; cards: number; matchedC: number; matchedB: number;
  cropC: number; cropB: number; negFrames: number; fdC: number; fdB: number;
}
const zero = (): CellSums => ({ cardFrames: 0, dIoU: 0, cards: 0, matchedC: 0, matchedB: 0, cropC: 0, cropB: 0, negFrames: 0, fdC: 0, fdB: 0 });

function pairSums(p: BlockPair, cropIoU: number, diffs: Map<string, number[]>): Map<string, CellSums> {
  const base = new Map(p.baseline.frames.map((f) => [f.key, f]));
  const out = new Map<string, CellSums>();
  for (const c of p.candidate.frames) {
    const b = base.get(c.key);
    if (!b || !c.seen || !b.seen) continue; // a frame one arm never looked at says nothing about accuracy
    const s = out.get(c.lighting) ?? zero();
    if (c.cards > 0) {
      s.cardFrames++; s.dIoU += c.iou - b.iou; s.cards += c.cards; s.matchedC += c.matched; s.matchedB += b.matched;
      s.cropC += c.iou >= cropIoU ? 1 : 0; s.cropB += b.iou >= cropIoU ? 1 : 0;
      diffs.set(c.lighting, [...(diffs.get(c.lighting) ?? []), c.iou - b.iou]);
    }
    if (c.negative) { s.negFrames++; s.fdC += c.detections > 0 ? 1 : 0; s.fdB += b.detections > 0 ? 1 : 0; }
    out.set(c.lighting, s);
  }
  return out;
}

interface AccuracyGate {
  gate: string;
  bound: 'upper' | 'lower';
  margin: (p: SignoffPolicy) => number;
  /** frames the gate is about (card frames or empty frames) */
  frames: (s: CellSums) => number;
  delta: (s: CellSums) => number;
}

const GATES: readonly AccuracyGate[] = [
  { gate: 'iou', bound: 'lower', margin: (p) => p.gates.iou.min_delta, frames: (s) => s.cardFrames, delta: (s) => s.dIoU / s.cardFrames },
  { gate: 'detection_rate', bound: 'lower', margin: (p) => p.gates.detection_rate.min_delta, frames: (s) => s.cards, delta: (s) => (s.matchedC - s.matchedB) / s.cards },
  { gate: 'false_detection_rate', bound: 'upper', margin: (p) => p.gates.false_detection_rate.max_delta, frames: (s) => s.negFrames, delta: (s) => (s.fdC - s.fdB) / s.negFrames },
  { gate: 'crop_success', bound: 'lower', margin: (p) => p.gates.crop_success.min_delta, frames: (s) => s.cardFrames, delta: (s) => (s.cropC - s.cropB) / s.cardFrames },
];

function add(into: CellSums, s: CellSums): void {
  for (const k of Object.keys(into) as (keyof CellSums)[]) into[k] += s[k];
}

/** Every accuracy cell of one device (gates × lightings it saw), in a fixed order. */
export function accuracyCells(device: string, pairs: readonly BlockPair[], policy: SignoffPolicy): GateCell[] {
  const diffs = new Map<string, number[]>();
  const perPair = pairs.map((p) => pairSums(p, policy.gates.crop_success.crop_iou, diffs));
  // Units are the bootstrap's replicates, as for latency: a unit's pairs are summed.
  const sums = byUnit(pairs).map((idx) => {
    const m = new Map<string, CellSums>();
    for (const i of idx) for (const [l, x] of perPair[i]!) { const s = m.get(l) ?? zero(); add(s, x); m.set(l, s); }
    return m;
  });
  const lightings = [...new Set(sums.flatMap((m) => [...m.keys()]))].sort();
  const opts = { iterations: policy.statistics.bootstrap_iterations, confidence: policy.statistics.confidence };
  const cells: GateCell[] = [];
  for (const g of GATES) {
    for (const lighting of lightings) {
      const holding = sums.filter((m) => g.frames(m.get(lighting) ?? zero()) > 0).length;
      if (holding === 0) continue; // e.g. false detections in a lighting without empty frames
      const stat = (picked: readonly number[]) => {
        const s = zero();
        for (const i of picked) { const x = sums[i]!.get(lighting); if (x) add(s, x); }
        return g.frames(s) > 0 ? g.delta(s) : NaN;
      };
      const est = pairedBootstrap(sums.length, stat, seedFrom(`${policy.statistics.seed}|${g.gate}|${device}|${lighting}`), opts);
      const margin = g.margin(policy);
      const enough = holding >= MIN_UNITS_PER_CELL;
      const total = zero();
      for (const m of sums) { const x = m.get(lighting); if (x) add(total, x); }
      cells.push({
        gate: g.gate, device, lighting, estimate: figure(est.estimate), lo: figure(est.lo), hi: figure(est.hi), bound: g.bound, margin,
        verdict: !enough ? 'INCONCLUSIVE' : g.bound === 'lower' ? judgeLower(est.lo, est.hi, margin, 0) : judgeUpper(est.lo, est.hi, margin, 0),
        pairs: perPair.filter((m) => g.frames(m.get(lighting) ?? zero()) > 0).length, units: holding, n_candidate: g.frames(total), n_baseline: g.frames(total),
        ...(g.gate === 'iou' ? { wilcoxon_frames: wilcoxonFigures(wilcoxonSignedRank(diffs.get(lighting) ?? [])) } : {}),
        ...(enough ? {} : { reason: `insufficient data: frames in ${holding} ABBA unit(s), ${MIN_UNITS_PER_CELL} needed` }),
      });
    }
  }
  return cells;
}
