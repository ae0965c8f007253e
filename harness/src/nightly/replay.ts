/**
 * Detection night after night over a history of series, as `rio-farm nightly` would have run it:
 * each night sees only the nights up to it, pending steps get a confirmation (a callback: a real
 * interleaved run live, recorded runs in the benchmark), alerts restart their series' segment.
 */
import { buildSeries, seriesId, type NightCell } from './series.ts';
import { candidateId, detectNight, DEFAULT_DETECTOR, type Candidate, type DetectorSettings, type SeriesState } from './detect.ts';
import { nightAlerts, pendingSteps, type NightAlert } from './alert-groups.ts';

export interface ReplayNight { key: string; cells: NightCell[] }
export interface ReplayedNight { key: string; states: Map<string, SeriesState>; alerts: NightAlert[]; confirmations: number }

/** confirm: true = the step is confirmed, false = refuted, null = compare cannot tell (wait for a second night). */
export function replayNights(nights: readonly ReplayNight[], confirm: (c: Candidate, night: number) => boolean | null,
  settings: DetectorSettings = DEFAULT_DETECTOR, firstJudged = 0): ReplayedNight[] {
  const segmentStarts = new Map<string, string>();
  const confirmations = new Map<string, boolean>();
  const out: ReplayedNight[] = [];
  const cells: NightCell[] = [];
  for (let i = 0; i < nights.length; i++) {
    cells.push(...nights[i]!.cells);
    if (i < firstJudged) continue;
    const series = buildSeries(cells);
    const tonight = new Set(nights[i]!.cells.map((c) => c.run_id));
    let states = detectNight(series, { tonight, segmentStarts, confirmations }, settings);
    const pend = pendingSteps(states);
    for (const c of pend) {
      const r = confirm(c, i);
      if (r !== null) confirmations.set(candidateId(c), r);
    }
    if (pend.length) states = detectNight(series, { tonight, segmentStarts, confirmations }, settings);
    const alerts = nightAlerts(states);
    for (const a of alerts) segmentStarts.set(seriesId(a.step.series), a.step.change_run_id);
    out.push({ key: nights[i]!.key, states, alerts, confirmations: pend.length });
  }
  return out;
}
