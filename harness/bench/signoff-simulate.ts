/**
 * Simulated sign-offs on recorded vdevice noise: each simulated device draws whole recorded ABBA
 * units (without replacement — a real sign-off never measures the same unit twice — reshuffled when
 * the recording is used up; ABBA or BAAB labelling at random) until the orchestrator's stop rule
 * says so, optionally with an injected effect on the candidate's frames, and is judged by the
 * same `judge` the real sign-off uses.
 */
import { seededRandom } from '../src/stats/bootstrap.ts';
import type { Block, FrameOutcome } from '../src/signoff/evidence.ts';
import { judge, deviceUndecided, type Judgement } from '../src/signoff/judge.ts';
import type { SignoffPolicy } from '../src/signoff/policy.ts';

/** Changes a candidate frame (an injected regression); identity for A/A. */
export type Injection = (f: FrameOutcome, serial: string) => FrameOutcome;
export const noInjection: Injection = (f) => f;

const FACTS = { candidate_bytes: 1, baseline_bytes: 1, parity: {} };

/** `virtualOnly` false judges the recorded vdevice blocks as a phone's would be: on wall time. */
export function simulateSignoff(units: Map<string, Block[][]>, policy: SignoffPolicy, seed: number, inject: Injection, virtualOnly = true): Judgement {
  const rnd = seededRandom(seed);
  const all: Block[] = [];
  for (const [serial, recorded] of units) {
    const mine: Block[] = [];
    let deck: Block[][] = [];
    for (let u = 0; u < policy.budget.max_units; u++) {
      if (deck.length === 0) deck = shuffled(recorded, rnd);
      const unit = deck.pop()!;
      const swap = rnd() < 0.5; // BAAB: the arms are the same model, so either labelling is a valid A/A unit
      for (const b of unit) {
        const arm = (b.arm === 'candidate') !== swap ? 'candidate' : 'baseline';
        const frames = arm === 'candidate' ? b.frames.map((f) => inject(f, serial)) : b.frames;
        mine.push({ ...b, unit: u, arm, run_id: `${b.run_id}@${u}`, frames });
      }
      if (u + 1 < policy.minimums.units) continue;
      const j = judge(mine, policy, FACTS, virtualOnly);
      if (j.devices[0]?.minimums_met && !deviceUndecided(j, serial)) break;
    }
    all.push(...mine);
  }
  return judge(all, policy, FACTS, virtualOnly);
}

/** Latency × factor on one device's candidate frames. */
export const slower = (serial: string, factor: number): Injection => (f, s) => (s !== serial ? f : {
  ...f, tTotal: f.tTotal === null ? null : f.tTotal * factor, tInferCpu: f.tInferCpu === null ? null : f.tInferCpu * factor });

/** IoU − delta on card frames of one lighting (every device), clamped at 0. */
export const lowerIoU = (lighting: string, delta: number): Injection => (f) =>
  (f.lighting === lighting && f.cards > 0 ? { ...f, iou: Math.max(0, f.iou - delta) } : f);

/** A seeded Fisher–Yates shuffle. */
function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
