/**
 * Row shapes of the store tables (migrations/001_initial.sql, README.md) as typebox schemas:
 * the same schemas validate the run export (run.json, POST /api/runs), so the two cannot drift.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Num = Nullable(Type.Number());
const Str = Nullable(Type.String());
const Int = Type.Integer();

export const RunStatusSchema = Type.Union([Type.Literal('running'), Type.Literal('passed'), Type.Literal('product_failure'),
  Type.Literal('infra_failure'), Type.Literal('bad_input'), Type.Literal('aborted')]);
export type RunStatus = Static<typeof RunStatusSchema>;

export const RunRowSchema = Type.Object({
  id: Type.String(), suite: Type.String(), status: RunStatusSchema, exit_code: Nullable(Int),
  started_at: Type.Number(), finished_at: Num, host: Type.String(), out_dir: Str,
  apk_sha256: Str, app_version: Str, model_sha256: Str, options_json: Type.String(), virtual_only: Int,
});
export type RunRow = Static<typeof RunRowSchema>;

export interface DeviceFingerprint {
  serial: string; manufacturer: string; model: string; soc: string; abi: string; sdk: number;
  build_fingerprint: string; virtual: boolean;
}

export const DeviceRowSchema = Type.Object({
  serial: Type.String(), fingerprint_id: Type.String(), manufacturer: Str, model: Str, soc: Str, abi: Str,
  sdk: Nullable(Int), build_fingerprint: Str, virtual: Int, first_seen: Type.Number(), last_seen: Type.Number(),
  quarantined_until: Num, quarantine_reason: Str,
});
export type DeviceRow = Static<typeof DeviceRowSchema>;

export const RunDeviceRowSchema = Type.Object({
  run_id: Type.String(), serial: Type.String(), fingerprint_id: Str, status: Type.String(),
  install_action: Str, install_ms: Num, push_files: Nullable(Int), push_skipped: Nullable(Int), push_bytes: Num, push_ms: Num,
  health_failures: Int, error_code: Str, error_message: Str,
});
export type RunDeviceRow = Static<typeof RunDeviceRowSchema>;

/** run_devices joined with the fingerprint it ran under (what exports and reports show). */
export const RunDeviceViewSchema = Type.Composite([RunDeviceRowSchema, Type.Object({
  manufacturer: Str, model: Str, soc: Str, abi: Str, sdk: Nullable(Int), build_fingerprint: Str, virtual: Nullable(Int),
})]);
export type RunDeviceView = Static<typeof RunDeviceViewSchema>;

export const ScenarioRowSchema = Type.Object({
  suite: Type.String(), id: Type.String(), truth_sha256: Type.String(), conditions_json: Type.String(), background: Str,
  fps: Num, width: Nullable(Int), height: Nullable(Int), frame_count: Int,
});
export type ScenarioRow = Static<typeof ScenarioRowSchema>;

export const ScenarioFrameRowSchema = Type.Object({
  suite: Type.String(), scenario_id: Type.String(), truth_sha256: Type.String(), frame_index: Int, sha256: Type.String(),
  width: Int, height: Int, negative: Int, lighting: Type.String(), lighting_params_json: Str, cards_json: Type.String(),
});
export type ScenarioFrameRow = Static<typeof ScenarioFrameRowSchema>;

export const WorkItemRowSchema = Type.Object({
  id: Type.String(), run_id: Type.String(), slot_serial: Type.String(), scenario_id: Type.String(), truth_sha256: Type.String(),
  repeat_index: Int, seq: Int, status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('failed')]),
  done_attempt_id: Str,
});
export type WorkItemRow = Static<typeof WorkItemRowSchema>;

export const AttemptRowSchema = Type.Object({
  id: Type.String(), run_id: Type.String(), item_id: Type.String(), attempt: Int, serial: Type.String(), scenario_id: Type.String(),
  started_at: Type.Number(), finished_at: Num,
  outcome: Type.Union([Type.Literal('running'), Type.Literal('ok'), Type.Literal('infra_error'), Type.Literal('abandoned')]),
  error_code: Str, error_message: Str, evidence_dir: Str, logcat_path: Str, results_path: Str, crops_dir: Str,
  thermal_start: Nullable(Int), thermal_end: Nullable(Int), battery_temp_start: Num, battery_temp_end: Num,
  delegate_used: Str, wall_ms: Num,
});
export type AttemptRow = Static<typeof AttemptRowSchema>;

export const MeasurementRowSchema = Type.Object({
  attempt_id: Type.String(), run_id: Type.String(), serial: Type.String(), scenario_id: Type.String(), repeat_index: Int,
  frame_index: Int, lighting: Type.String(), negative: Int, t_decode: Num, t_pre: Num, t_infer: Num, t_post: Num, t_total: Num,
  dropped: Int, thermal_flag: Int, detections: Int, matched: Int, cards: Int, iou: Num, corner_err_px: Num, corner_err_pct: Num,
  false_detections: Int, detections_json: Str, error: Str,
});
export type MeasurementRow = Static<typeof MeasurementRowSchema>;

export const AggregateRowSchema = Type.Object({
  run_id: Type.String(), serial: Type.String(), scenario_id: Type.String(), lighting: Type.String(),
  frames: Int, card_frames: Int, negative_frames: Int, latency_n: Int, thermal_excluded: Int,
  p50: Num, p50_lo: Num, p50_hi: Num, p90: Num, p90_lo: Num, p90_hi: Num, p99: Num, p99_lo: Num, p99_hi: Num,
  mean: Num, mean_lo: Num, mean_hi: Num, std: Num, infer_p50: Num, sustained_fps: Num, drop_rate: Num,
  iou_median: Num, iou_mean: Num, iou_mean_lo: Num, iou_mean_hi: Num, corner_err_px: Num, corner_err_pct: Num,
  detection_rate: Num, false_detections: Int, false_detection_rate: Num,
  verdict: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('no-data')]), verdict_reason: Str,
});
export type AggregateRow = Static<typeof AggregateRowSchema>;

export const DeviceSampleRowSchema = Type.Object({
  run_id: Type.String(), serial: Type.String(), at: Type.Number(), phase: Type.String(),
  thermal_status: Nullable(Int), battery_temp_c: Num, battery_level: Nullable(Int),
});
export type DeviceSampleRow = Static<typeof DeviceSampleRowSchema>;

export const DeviceEventRowSchema = Type.Object({
  run_id: Type.String(), serial: Type.String(), at: Type.Number(), kind: Type.String(), detail: Str,
});
export type DeviceEventRow = Static<typeof DeviceEventRowSchema>;
