/**
 * The run export: `reports/<run-id>/run.json` and the body of `POST /api/runs` (bearer token from
 * RIO_FARM_TOKEN) are this one document. The server validates uploads with `RunExportSchema` and
 * stores them with `importRun`, so a run recorded on any harness host lands in the same tables.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RioError } from '../errors.ts';
import type { Store } from './index.ts';
import {
  AggregateRowSchema, AttemptRowSchema, DeviceEventRowSchema, DeviceSampleRowSchema, MeasurementRowSchema,
  RunDeviceViewSchema, RunRowSchema, ScenarioFrameRowSchema, ScenarioRowSchema, WorkItemRowSchema,
} from './rows.ts';

export const RUN_EXPORT_SCHEMA_ID = 'rio-run/1';

export const RunExportSchema = Type.Object({
  schema: Type.Literal(RUN_EXPORT_SCHEMA_ID),
  run: RunRowSchema,
  labels: Type.Record(Type.String(), Type.String()),
  devices: Type.Array(RunDeviceViewSchema),
  scenarios: Type.Array(ScenarioRowSchema),
  /** truth of every frame the run measured (quads for worst-frame views) */
  scenario_frames: Type.Array(ScenarioFrameRowSchema),
  work_items: Type.Array(WorkItemRowSchema),
  attempts: Type.Array(AttemptRowSchema),
  measurements: Type.Array(MeasurementRowSchema),
  aggregates: Type.Array(AggregateRowSchema),
  samples: Type.Array(DeviceSampleRowSchema),
  events: Type.Array(DeviceEventRowSchema),
});
export type RunExport = Static<typeof RunExportSchema>;

/** Reads everything the store holds about one run. */
export async function exportRun(store: Store, runId: string): Promise<RunExport> {
  const run = await store.getRun(runId);
  if (!run) throw new RioError('NOT_FOUND', `no run ${runId} in the store`, { run: runId });
  const items = await store.workItems(runId);
  const keys = new Map(items.map((i) => [`${i.scenario_id}\u0000${i.truth_sha256}`, i]));
  const scenarios = []; const scenarioFrames = [];
  for (const i of keys.values()) {
    const s = await store.db.get<Static<typeof ScenarioRowSchema>>('SELECT * FROM scenarios WHERE suite = ? AND id = ? AND truth_sha256 = ?',
      [run.suite, i.scenario_id, i.truth_sha256]);
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

/** Throws BAD_ARGUMENT naming the first wrong field. */
export function validateRunExport(json: unknown): RunExport {
  if (Value.Check(RunExportSchema, json)) return json;
  const first = Value.Errors(RunExportSchema, json).First();
  throw new RioError('BAD_ARGUMENT', `invalid run export: ${first?.message ?? 'schema mismatch'}`, { field: first?.path || '/' });
}

/**
 * Writes an exported run into a store, in one transaction. Idempotent: rows already present are kept
 * (re-uploading a run changes nothing); aggregates of the run are replaced by the export's.
 */
export async function importRun(store: Store, exp: RunExport): Promise<void> {
  const runId = exp.run.id;
  const mismatch = [...exp.devices, ...exp.work_items, ...exp.attempts, ...exp.measurements, ...exp.aggregates, ...exp.samples, ...exp.events]
    .find((r) => r.run_id !== runId);
  if (mismatch) throw new RioError('BAD_ARGUMENT', 'run export mixes rows of another run', { run: runId, other: mismatch.run_id });
  await store.db.tx(async (t) => {
    await store.insertRaw(t, 'runs', exp.run, 'id');
    await t.run('UPDATE runs SET status = ?, exit_code = ?, finished_at = ? WHERE id = ?', [exp.run.status, exp.run.exit_code, exp.run.finished_at, runId]);
    for (const [key, value] of Object.entries(exp.labels)) await store.insertRaw(t, 'run_labels', { run_id: runId, key, value }, 'run_id, key');
    for (const d of exp.devices) {
      const { manufacturer, model, soc, abi, sdk, build_fingerprint, virtual, ...rd } = d;
      if (rd.fingerprint_id) {
        const fp = { manufacturer, model, soc, abi, sdk, build_fingerprint, virtual: virtual ?? 0 };
        await store.insertRaw(t, 'device_fingerprints', { id: rd.fingerprint_id, serial: d.serial, ...fp, first_seen: exp.run.started_at }, 'id');
        await store.insertRaw(t, 'devices', { serial: d.serial, fingerprint_id: rd.fingerprint_id, ...fp,
          first_seen: exp.run.started_at, last_seen: exp.run.started_at, quarantined_until: null, quarantine_reason: null }, 'serial');
      }
      await store.insertRaw(t, 'run_devices', rd, 'run_id, serial');
    }
    for (const s of exp.scenarios) await store.insertRaw(t, 'scenarios', s, 'suite, id, truth_sha256');
    await store.insertManyRaw(t, 'scenario_frames', exp.scenario_frames, 'suite, scenario_id, truth_sha256, frame_index');
    for (const w of exp.work_items) await store.insertRaw(t, 'work_items', w, 'id');
    for (const a of exp.attempts) await store.insertRaw(t, 'attempts', a, 'id');
    await store.insertManyRaw(t, 'measurements', exp.measurements, 'attempt_id, frame_index');
    await t.run('DELETE FROM aggregates WHERE run_id = ?', [runId]);
    await store.insertManyRaw(t, 'aggregates', exp.aggregates, 'run_id, serial, scenario_id, lighting');
    // samples and events have no natural key: replace them wholesale.
    await t.run('DELETE FROM device_samples WHERE run_id = ?', [runId]);
    await store.insertManyRaw(t, 'device_samples', exp.samples);
    await t.run('DELETE FROM device_events WHERE run_id = ?', [runId]);
    await store.insertManyRaw(t, 'device_events', exp.events);
  });
}
