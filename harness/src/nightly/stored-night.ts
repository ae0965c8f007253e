/**
 * Detection for one night on a store: series from the stored nightly runs, segments from stored
 * alerts, confirmations from stored confirmation runs; new alerts stored. Running it twice on the
 * same store gives the same states and stores nothing new (the alert ids are the steps').
 */
import type { Store } from '../store/index.ts';
import { nightAlerts, pendingSteps, type NightAlert } from './alert-groups.ts';
import { alertRow, confirmations, saveAlerts, saveConfirmation, segmentStarts } from '../store/nightly-alerts.ts';
import { candidateId, describeState, detectNight, DEFAULT_DETECTOR, type Candidate, type DetectorSettings, type SeriesState } from './detect.ts';
import { buildSeries, type Series } from './series.ts';
import { storeNightCells } from './store-series.ts';

export interface StoredNight { series: Series[]; states: Map<string, SeriesState>; alerts: NightAlert[]; added: number; pending: Candidate[] }

/** What a confirmation run found: confirmed, refuted, or null when it could not tell (the 2-night rule then decides). */
export type ConfirmStep = (c: Candidate) => Promise<{ confirmed: boolean | null; runIds: string[] }>;

export async function detectStoredNight(store: Store, suite: string, tonight: ReadonlySet<string>, o: {
  settings?: DetectorSettings; confirm?: ConfirmStep; now?: number } = {}): Promise<StoredNight> {
  const settings = o.settings ?? DEFAULT_DETECTOR;
  const series = buildSeries(await storeNightCells(store, suite));
  const ctx = async () => ({ tonight, segmentStarts: await segmentStarts(store), confirmations: await confirmations(store) });
  let states = detectNight(series, await ctx(), settings);
  const pending = pendingSteps(states);
  if (o.confirm && pending.length) {
    const asked = new Set<string>();
    for (const c of pending) {
      const id = candidateId(c);
      if (asked.has(id)) continue;
      asked.add(id);
      const r = await o.confirm(c);
      if (r.confirmed !== null) await saveConfirmation(store, id, r.confirmed, r.runIds, o.now);
    }
    states = detectNight(series, await ctx(), settings);
  }
  const alerts = nightAlerts(states);
  const found = [...tonight].sort()[0] ?? '';
  const added = await saveAlerts(store, alerts.map((a) => alertRow(a, found, o.now ?? Date.now(), settings)));
  return { series, states, alerts, added, pending: pendingSteps(states) };
}

/** Counts of the night's states, for the printed summary ("insufficient data (N of 6 nights)" kept apart). */
export function stateCounts(states: ReadonlyMap<string, SeriesState>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of states.values()) {
    const k = describeState(s);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

