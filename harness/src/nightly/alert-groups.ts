/**
 * Turns a night's series states into alerts: one per alerted step, labelled `infra` when the frozen
 * reference model moved on the same device the same night (the farm changed — OS, heat, host —
 * not the build): its own series found a step tonight in the same family, or its same series
 * stepped the same way at the candidate's step (detect.ts referenceMoved). Grouped per night × build
 * so an all-devices slowdown reads as one group.
 */
import { candidateId, type Candidate, type SeriesState } from './detect.ts';

export type AlertLabel = 'regression' | 'improvement' | 'infra';

export interface NightAlert {
  id: string;
  step: Candidate;
  via: 'confirmation' | 'persistence';
  label: AlertLabel;
  /**
   * the night of the step × build × direction (or infra): what a person triages at once. Keyed by
   * the step's night, not the night it was found, so series that cross the line on later nights
   * join the same group instead of raising the same event again.
   */
  group: string;
}

/**
 * The night's alerts, plus the reference model's own moves (they are the infra evidence; a
 * reference move with no candidate alert still makes one infra alert so the farm change is seen).
 */
export function nightAlerts(states: ReadonlyMap<string, SeriesState>): NightAlert[] {
  const moved = new Set<string>(); // devices × metric family whose reference series moved tonight (any discovery)
  for (const s of states.values()) {
    if ((s.kind === 'alert' || s.kind === 'pending' || s.kind === 'not confirmed') && s.step.series.role === 'reference') moved.add(deviceOf(s.step));
  }
  const out: NightAlert[] = [];
  for (const s of states.values()) {
    if (s.kind !== 'alert') continue;
    const c = s.step;
    const infra = c.series.role === 'reference' || c.reference_moved === true || moved.has(deviceOf(c));
    const label: AlertLabel = infra ? 'infra' : c.direction;
    const night = stepNight(c.change_at);
    const group = infra ? JSON.stringify([night, 'infra']) : JSON.stringify([night, c.build_after, c.direction]);
    out.push({ id: candidateId(c), step: c, via: s.via, label, group });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The UTC date a step's first night ran: nightly runs of one night share it across devices and roles. */
export const stepNight = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * The reference explains a candidate's step only in the same family: a host that slows the reference
 * says nothing about the candidate's IoU (bench:nightly-e2e: a −0.03 IoU build was labelled infra
 * because the reference's CPU time jumped under host load the same night).
 */
const ACCURACY: ReadonlySet<string> = new Set(['iou_mean', 'detection_rate', 'false_detection_rate']);
const familyOf = (metric: string) => (ACCURACY.has(metric) ? 'accuracy' : 'speed');
const deviceOf = (c: Candidate) => JSON.stringify([c.series.serial, c.series.virtual, familyOf(c.series.metric)]);

/** Pending steps of the build under test that a confirmation run should settle tonight. */
export function pendingSteps(states: ReadonlyMap<string, SeriesState>): Candidate[] {
  return [...states.values()].flatMap((s) => (s.kind === 'pending' && s.step.series.role === 'candidate' ? [s.step] : []));
}
