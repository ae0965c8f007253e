/**
 * The verdict of a sign-off from its evidence: per-device minimums, latency and accuracy gates,
 * model size and conversion parity, combined per gate and overall. A pure function of the
 * blocks, the policy and the recorded model facts — what `signoff verify` recomputes.
 */
import type { Block } from './evidence.ts';
import { pairBlocks } from './evidence.ts';
import type { SignoffPolicy } from './policy.ts';
import { latencyCell, latencySeries, type GateCell } from './latency-gate.ts';
import { accuracyCells } from './accuracy-gates.ts';
import { combine, figure, judgeUpper, type Verdict } from './verdict.ts';

/** Facts about the two models measured before any device ran (sizes, parity of a converted ONNX). */
export interface ModelFacts {
  candidate_bytes: number;
  baseline_bytes: number;
  /** max abs ONNX-vs-TFLite output error per converted .onnx input, by arm */
  parity: { candidate?: number; baseline?: number };
}

export interface DeviceSummary {
  serial: string;
  units: number;
  valid_pairs: number;
  invalid_blocks: number;
  frames_candidate: number;
  frames_baseline: number;
  seconds_candidate: number | null;
  seconds_baseline: number | null;
  minimums_met: boolean;
}

export interface GateResult { verdict: Verdict; cells: GateCell[] }
export interface Judgement { overall: Verdict; gates: Record<string, GateResult>; devices: DeviceSummary[] }

export const GATE_ORDER = ['minimums', 'latency', 'iou', 'detection_rate', 'false_detection_rate', 'crop_success', 'model_size', 'parity'] as const;

/** `virtualOnly`: every device is a vdevice (a sign-off never mixes kinds) — latency is then judged on thread CPU time. */
export function judge(blocks: readonly Block[], policy: SignoffPolicy, facts: ModelFacts, virtualOnly: boolean): Judgement {
  const pairs = pairBlocks(blocks);
  // One series for the whole sign-off, so every device's latency cell is the same kind of number.
  const series = latencySeries(virtualOnly, pairs);
  const serials = [...new Set(blocks.map((b) => b.serial))].sort();
  const cells: GateCell[] = [];
  const devices: DeviceSummary[] = [];
  for (const serial of serials) {
    const mine = pairs.filter((p) => p.serial === serial);
    const summary = deviceSummary(serial, blocks.filter((b) => b.serial === serial), mine, policy);
    devices.push(summary);
    cells.push({
      gate: 'minimums', device: serial, lighting: null, estimate: Math.min(summary.frames_candidate, summary.frames_baseline),
      lo: null, hi: null, bound: 'lower', margin: policy.minimums.frames, verdict: summary.minimums_met ? 'PASS' : 'INCONCLUSIVE',
      pairs: summary.valid_pairs, n_candidate: summary.frames_candidate, n_baseline: summary.frames_baseline,
      ...(summary.minimums_met ? {} : { reason: `below the policy minimums (${policy.minimums.frames} frames, ${policy.minimums.seconds} s, ${policy.minimums.units} units per arm)` }),
    });
    cells.push(latencyCell(serial, mine, policy, series));
    cells.push(...accuracyCells(serial, mine, policy));
  }
  const ratio = facts.candidate_bytes / facts.baseline_bytes;
  cells.push({ gate: 'model_size', device: '*', lighting: null, estimate: figure(ratio), lo: figure(ratio), hi: figure(ratio), bound: 'upper',
    margin: policy.gates.model_size.max_ratio, verdict: judgeUpper(ratio, ratio, policy.gates.model_size.max_ratio, 1), pairs: 0,
    n_candidate: facts.candidate_bytes, n_baseline: facts.baseline_bytes });
  for (const arm of ['baseline', 'candidate'] as const) {
    const e = facts.parity[arm];
    if (e === undefined) continue; // a .tflite or APK input was not converted here: no parity to gate
    cells.push({ gate: 'parity', device: arm, lighting: null, estimate: figure(e), lo: figure(e), hi: figure(e), bound: 'upper',
      margin: policy.gates.parity.max_abs, verdict: judgeUpper(e, e, policy.gates.parity.max_abs, 0), pairs: 0, n_candidate: 0, n_baseline: 0 });
  }
  const gates: Record<string, GateResult> = {};
  for (const g of GATE_ORDER) {
    const mine = cells.filter((c) => c.gate === g);
    if (mine.length) gates[g] = { verdict: combine(mine.map((c) => c.verdict)), cells: mine };
  }
  return { overall: combine(Object.values(gates).map((g) => g.verdict)), gates, devices };
}

function deviceSummary(serial: string, blocks: readonly Block[], pairs: ReturnType<typeof pairBlocks>, policy: SignoffPolicy): DeviceSummary {
  const arm = (a: 'candidate' | 'baseline') => pairs.map((p) => p[a]);
  const frames = (a: 'candidate' | 'baseline') => arm(a).reduce((n, b) => n + b.frames.filter((f) => f.tTotal !== null).length, 0);
  const seconds = (a: 'candidate' | 'baseline') => figure(arm(a).reduce((s, b) => s + b.wall_ms, 0) / 1000);
  const units = new Set(pairs.map((p) => p.unit)).size;
  const s = { fc: frames('candidate'), fb: frames('baseline'), sc: seconds('candidate') ?? 0, sb: seconds('baseline') ?? 0 };
  const m = policy.minimums;
  return {
    serial, units, valid_pairs: pairs.length, invalid_blocks: blocks.filter((b) => !b.valid).length,
    frames_candidate: s.fc, frames_baseline: s.fb, seconds_candidate: s.sc, seconds_baseline: s.sb,
    minimums_met: units >= m.units && Math.min(s.fc, s.fb) >= m.frames && Math.min(s.sc, s.sb) >= m.seconds,
  };
}

/**
 * True while more blocks could still change the device's verdict (the orchestrator's stop rule):
 * a cell is INCONCLUSIVE, or latency FAILs before the budget is spent. Latency is the noisy gate —
 * a FAIL on the first few units is confirmed with more units, not taken at the first look (stopping
 * at the first FAIL: 8% A/A false FAILs on recorded vdevice noise). Accuracy is deterministic on a
 * device for a given model and frames, so its FAIL stands.
 */
export function deviceUndecided(j: Judgement, serial: string): boolean {
  return Object.values(j.gates).some((g) => g.cells.some((c) => c.device === serial
    && (c.verdict === 'INCONCLUSIVE' || (c.gate === 'latency' && c.verdict === 'FAIL'))));
}
