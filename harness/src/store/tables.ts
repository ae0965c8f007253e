/**
 * The store's tables as code: each table's columns and key, from the row schemas (rows.ts) or
 * listed here. Every INSERT and UPDATE the store builds takes its table and column names from this
 * map, never from a row's keys: a key the table does not declare is a bug (or an attack) and throws.
 */
import { RioError } from '../errors.ts';
import {
  AggregateRowSchema, AttemptRowSchema, DeviceEventRowSchema, DeviceRowSchema, DeviceSampleRowSchema, MeasurementRowSchema,
  RunDeviceRowSchema, RunRowSchema, ScenarioFrameRowSchema, ScenarioRowSchema, WorkItemRowSchema,
} from './rows.ts';

interface TableDef { readonly columns: readonly string[]; readonly key: readonly string[] | null }

const cols = (schema: { properties: object }) => Object.keys(schema.properties);

export const TABLES = {
  runs: { columns: cols(RunRowSchema), key: ['id'] },
  run_labels: { columns: ['run_id', 'key', 'value'], key: ['run_id', 'key'] },
  devices: { columns: cols(DeviceRowSchema), key: ['serial'] },
  device_fingerprints: {
    columns: ['id', 'serial', 'manufacturer', 'model', 'soc', 'abi', 'sdk', 'build_fingerprint', 'virtual', 'first_seen'], key: ['id'],
  },
  leases: { columns: ['serial', 'run_id', 'holder', 'acquired_at', 'expires_at'], key: ['serial'] },
  run_devices: { columns: cols(RunDeviceRowSchema), key: ['run_id', 'serial'] },
  scenarios: { columns: cols(ScenarioRowSchema), key: ['suite', 'id', 'truth_sha256'] },
  scenario_frames: { columns: cols(ScenarioFrameRowSchema), key: ['suite', 'scenario_id', 'truth_sha256', 'frame_index'] },
  work_items: { columns: cols(WorkItemRowSchema), key: ['id'] },
  attempts: { columns: cols(AttemptRowSchema), key: ['id'] },
  measurements: { columns: cols(MeasurementRowSchema), key: ['attempt_id', 'frame_index'] },
  aggregates: { columns: cols(AggregateRowSchema), key: ['run_id', 'serial', 'scenario_id', 'lighting'] },
  device_samples: { columns: cols(DeviceSampleRowSchema), key: null },
  device_events: { columns: cols(DeviceEventRowSchema), key: null },
  run_uploads: { columns: ['run_id', 'host', 'first_at', 'last_at'], key: ['run_id'] },
  import_pending: { columns: ['run_id', 'token', 'status', 'exit_code', 'finished_at', 'scenario_fps_json'], key: ['run_id'] },
  ui_measurements: {
    columns: ['attempt_id', 'run_id', 'serial', 'scenario_id', 'lighting', 'frame_index', 'launch_ms', 'time_to_outline_ms',
      'capture_to_crop_ms', 'crop_iou', 'crop_aspect', 'screenshot_path'], key: ['attempt_id'],
  },
  dash_run_device: {
    columns: ['run_id', 'serial', 'lighting', 'suite', 'started_at', 'virtual', 'fingerprint_id', 'frames', 'latency_n',
      'thermal_excluded', 'dropped', 'p50', 'p50_lo', 'p50_hi', 'p90', 'p90_lo', 'p90_hi', 'iou_n', 'iou_mean', 'iou_lo', 'iou_hi',
      'detection_rate', 'infer_cpu_p50', 'infer_cpu_p50_lo', 'infer_cpu_p50_hi', 'infer_cpu_p90', 'infer_cpu_p90_lo', 'infer_cpu_p90_hi',
      'infer_cpu_p05', 'infer_cpu_p05_lo', 'infer_cpu_p05_hi', 'histogram_json', 'worst_json'], key: ['run_id', 'serial', 'lighting'],
  },
  dash_runs_done: { columns: ['run_id', 'finished_at', 'summarized_at'], key: ['run_id'] },
  compare_summaries: { columns: ['run_id', 'finished_at', 'resamples_json', 'history_json', 'cells_json'], key: ['run_id'] },
  nightly_alerts: {
    columns: ['id', 'group_key', 'found_run_id', 'found_at', 'serial', 'virtual', 'role', 'scope', 'metric', 'change_run_id', 'previous_run_id',
      'change_at', 'build_before', 'build_after', 'before_value', 'after_value', 'p', 'direction', 'label', 'via', 'detector', 'status',
      'triaged_by', 'triaged_at', 'triage_note'], key: ['id'],
  },
  nightly_confirmations: { columns: ['candidate_id', 'confirmed', 'run_ids', 'decided_at'], key: ['candidate_id'] },
  farm_hosts: { columns: ['name', 'token_sha256', 'issued_at', 'revoked_at', 'registered_at', 'last_heartbeat', 'address'], key: ['name'] },
  farm_host_devices: { columns: ['host', 'serial', 'model', 'virtual', 'seen_at'], key: ['host', 'serial'] },
  farm_devices: { columns: ['serial', 'failure_streak', 'quarantined_at', 'quarantine_reason'], key: ['serial'] },
  farm_jobs: {
    columns: ['id', 'suite', 'target_kind', 'target', 'repeat_count', 'scenarios_json', 'labels_json', 'state', 'submitted_at', 'started_at', 'finished_at',
      'fence', 'host', 'serial', 'lease_expires_at', 'infra_failures', 'outcome', 'dead_reason'], key: ['id'],
  },
  farm_job_attempts: { columns: ['job_id', 'fence', 'host', 'serial', 'claimed_at', 'started_at', 'ended_at', 'outcome', 'error', 'run_id'], key: ['job_id', 'fence'] },
  farm_job_scenarios: { columns: ['job_id', 'scenario_id', 'fence', 'run_id', 'done_at'], key: ['job_id', 'scenario_id'] },
} as const satisfies Record<string, TableDef>;
export type TableName = keyof typeof TABLES;

/** Every table a run can leave rows in (what the ingest tests count before and after a refused upload). */
export const STORED_TABLES: readonly string[] = [...Object.keys(TABLES), 'schema_migrations'];

/**
 * The declared columns of `table` that `row` sets, in the table's order. Throws on a key the table
 * does not declare, so a column name can only ever come from this file.
 */
export function columnsOf(table: TableName, row: object): string[] {
  const declared: readonly string[] = TABLES[table].columns;
  for (const k of Object.keys(row)) {
    if (!declared.includes(k)) throw new RioError('INTERNAL_ERROR', `table ${table} has no column "${k}"`, { table });
  }
  return declared.filter((c) => Object.hasOwn(row, c));
}

/** `ON CONFLICT (<the table's key>) DO NOTHING`, or nothing for a table without one. */
export function ignoreDuplicates(table: TableName): string {
  const key = TABLES[table].key;
  return key ? `ON CONFLICT (${key.join(', ')}) DO NOTHING` : '';
}
