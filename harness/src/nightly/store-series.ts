/**
 * The nightly series of a store: every run labelled nightly=candidate|reference of a suite, read
 * from the tables the dashboards draw (dash_run_device, filled by the server's summarizeRun, and
 * the aggregates' whole-scenario rows), with each device's fingerprint and kind for that run.
 */
import type { Store } from '../store/index.ts';
import { dashboardSummarised, dashCellRows, nightlyRuns, runDeviceKinds, scenarioCellRows } from '../store/nightly-reads.ts';
import { summarizeRun } from '../../../server/src/queries/run-summary.ts';
import { dashCells, scenarioCells, type DashCellRow, type NightDevice, type NightRun, type ScenarioCellRow } from './night-cells.ts';
import type { ModelRole, NightCell } from './series.ts';

/** The run label that marks a nightly run and its model role. */
export const NIGHTLY_LABEL = 'nightly';

/** Makes sure each run has its dashboard rows (the server fills them lazily; same function, same numbers). */
export async function ensureSummaries(store: Store, runIds: readonly string[]): Promise<void> {
  for (const id of runIds) {
    if (!await dashboardSummarised(store, id)) await summarizeRun(store, id);
  }
}

export async function storeNightCells(store: Store, suite: string): Promise<NightCell[]> {
  const runs = await nightlyRuns(store, suite, NIGHTLY_LABEL);
  await ensureSummaries(store, runs.map((r) => r.id));
  const out: NightCell[] = [];
  for (const r of runs) {
    const devices = await runDeviceKinds(store, r.id);
    const byS = new Map<string, NightDevice>(devices.map((d) => [d.serial, { serial: d.serial, virtual: Number(d.virtual) === 1, fingerprint: d.fingerprint_id }]));
    const run: NightRun = { run_id: r.id, started_at: Number(r.started_at), role: r.role as ModelRole, build: r.apk_sha256 ?? '' };
    const dash = await dashCellRows<DashCellRow>(store, r.id);
    const scen = await scenarioCellRows<ScenarioCellRow>(store, r.id);
    out.push(...dashCells(run, (s) => byS.get(s), dash), ...scenarioCells(run, (s) => byS.get(s), scen));
  }
  return out;
}
