/**
 * The run export: `reports/<run-id>/run.json` and the body of `POST /api/runs` (bearer token from
 * RIO_FARM_TOKEN) are this one document. The server validates uploads with `RunExportSchema` and
 * `checkRunExport`, and stores them with `importRun` (run-import.ts), so a run recorded on any harness
 * host lands in the same tables.
 */
import { Type, type Static } from 'typebox';
import { checkSchema } from '../schema-check.ts';
import { RioError } from '../errors.ts';
import type { Store } from './index.ts';
import {
  AggregateRowSchema, AttemptRowSchema, DeviceEventRowSchema, DeviceSampleRowSchema, MeasurementRowSchema,
  RunDeviceViewSchema, RunRowSchema, ScenarioFrameRowSchema, ScenarioRowSchema, WorkItemRowSchema,
} from './rows.ts';
import { Text } from './limits.ts';
import { checkRunExport } from './run-export-check.ts';

export { importRun } from './run-import.ts';
export { checkRunExport } from './run-export-check.ts';

export const RUN_EXPORT_SCHEMA_ID = 'rio-run/1';

/** Rows per array: far above a 10-device × 20,000-frame run, and the 64 MB body limit comes first anyway. */
export const MAX_ROWS = 1_000_000;
/** Small tables of one run (devices, scenarios, items, attempts, samples, events). */
export const MAX_SMALL_ROWS = 100_000;
const Rows = <T extends Parameters<typeof Type.Array>[0]>(row: T, max = MAX_SMALL_ROWS) => Type.Array(row, { maxItems: max });

export const RunExportSchema = Type.Object({
  schema: Type.Literal(RUN_EXPORT_SCHEMA_ID),
  run: RunRowSchema,
  /** `--label K=V`: keys as the CLI accepts them */
  labels: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Text, { maxProperties: 200, additionalProperties: false }),
  devices: Rows(RunDeviceViewSchema),
  scenarios: Rows(ScenarioRowSchema),
  /** truth of every frame the run measured (quads for worst-frame views) */
  scenario_frames: Rows(ScenarioFrameRowSchema, MAX_ROWS),
  work_items: Rows(WorkItemRowSchema),
  attempts: Rows(AttemptRowSchema),
  measurements: Rows(MeasurementRowSchema, MAX_ROWS),
  /** the exporting host's aggregates: checked, but the store recomputes them from the stored frames */
  aggregates: Rows(AggregateRowSchema),
  samples: Rows(DeviceSampleRowSchema),
  events: Rows(DeviceEventRowSchema),
}, { additionalProperties: false });
export type RunExport = Static<typeof RunExportSchema>;

/** Reads everything the store holds about one run. */
export async function exportRun(store: Store, runId: string): Promise<RunExport> {
  const run = await store.getRun(runId);
  if (!run) throw new RioError('NOT_FOUND', `no run ${runId} in the store`, { run: runId });
  const items = await store.workItems(runId);
  const keys = new Map(items.map((i) => [`${i.scenario_id}\u0000${i.truth_sha256}`, i]));
  const scenarios = []; const scenarioFrames = [];
  for (const i of keys.values()) {
    const s = await store.scenario(run.suite, i.scenario_id, i.truth_sha256);
    if (s) scenarios.push(s);
    scenarioFrames.push(...await store.scenarioFrames(run.suite, i.scenario_id, i.truth_sha256));
  }
  return {
    schema: RUN_EXPORT_SCHEMA_ID, run, labels: await store.runLabels(runId), devices: await store.runDevices(runId),
    scenarios, scenario_frames: scenarioFrames, work_items: items, attempts: await store.attempts(runId),
    measurements: await store.measurements(runId), aggregates: await store.aggregates(runId),
    samples: await store.samples(runId), events: await store.events(runId),
  };
}

/** Throws BAD_ARGUMENT naming the first wrong field (schema, then how the rows fit together). */
export function validateRunExport(json: unknown, root = ''): RunExport {
  const exp = checkSchema(RunExportSchema, json, { root, what: 'invalid run export' });
  checkRunExport(exp, root);
  return exp;
}
