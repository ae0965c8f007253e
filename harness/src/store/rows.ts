/**
 * Row shapes of the store tables (migrations/001_initial.sql, README.md) as typebox schemas:
 * the same schemas validate the run export (run.json, POST /api/runs), so the two cannot drift.
 * Every schema refuses properties it does not name, and every number is bounded by what it can
 * mean (limits.ts): an upload is stored only when each value is one the store itself could write.
 */
import { Type, type Static, type TSchema } from 'typebox';
import {
  BatteryLevel, BatteryTemp, Bytes, Count, DurationMs, ExitCodeNum, Flag, FrameSize, Fps, Id, Json, LatencyMs, Name, Percent,
  PixelError, Rate01, Sdk, Sha256, Text, ThermalStatus, Time,
} from './limits.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** Only the properties named: an unknown one is refused (400 naming it), never stored or used as a column. */
const Row = <P extends Record<string, TSchema>>(props: P) => Type.Object(props, { additionalProperties: false });

export const RunStatusSchema = Type.Union([Type.Literal('running'), Type.Literal('passed'), Type.Literal('product_failure'),
  Type.Literal('infra_failure'), Type.Literal('bad_input'), Type.Literal('aborted')]);
export type RunStatus = Static<typeof RunStatusSchema>;

export const RunRowSchema = Row({
  id: Id, suite: Name, status: RunStatusSchema, exit_code: Nullable(ExitCodeNum),
  started_at: Time, finished_at: Nullable(Time), host: Name, out_dir: Nullable(Text),
  apk_sha256: Nullable(Sha256), app_version: Nullable(Name), model_sha256: Nullable(Sha256), options_json: Json, virtual_only: Flag,
  /** the quarter-turn classifier the app ran beside the detector (migration 121); absent or null: none */
  quarter_turn_sha256: Type.Optional(Nullable(Sha256)),
});
export type RunRow = Static<typeof RunRowSchema>;

export interface DeviceFingerprint {
  serial: string; manufacturer: string; model: string; soc: string; abi: string; sdk: number;
  build_fingerprint: string; virtual: boolean;
}

export const DeviceRowSchema = Row({
  serial: Id, fingerprint_id: Id, manufacturer: Nullable(Name), model: Nullable(Name), soc: Nullable(Name), abi: Nullable(Name),
  sdk: Nullable(Sdk), build_fingerprint: Nullable(Text), virtual: Flag, first_seen: Time, last_seen: Time,
  quarantined_until: Nullable(Time), quarantine_reason: Nullable(Text),
});
export type DeviceRow = Static<typeof DeviceRowSchema>;

const runDeviceProps = {
  run_id: Id, serial: Id, fingerprint_id: Nullable(Id), status: Name,
  install_action: Nullable(Name), install_ms: Nullable(DurationMs), push_files: Nullable(Count), push_skipped: Nullable(Count),
  push_bytes: Nullable(Bytes), push_ms: Nullable(DurationMs), health_failures: Count, error_code: Nullable(Name), error_message: Nullable(Text),
};
export const RunDeviceRowSchema = Row(runDeviceProps);
export type RunDeviceRow = Static<typeof RunDeviceRowSchema>;

/** run_devices joined with the fingerprint it ran under (what exports and reports show). */
export const RunDeviceViewSchema = Row({
  ...runDeviceProps,
  manufacturer: Nullable(Name), model: Nullable(Name), soc: Nullable(Name), abi: Nullable(Name), sdk: Nullable(Sdk),
  build_fingerprint: Nullable(Text), virtual: Nullable(Flag),
});
export type RunDeviceView = Static<typeof RunDeviceViewSchema>;

export const ScenarioRowSchema = Row({
  suite: Name, id: Id, truth_sha256: Sha256, conditions_json: Json, background: Nullable(Name),
  fps: Nullable(Fps), width: Nullable(FrameSize), height: Nullable(FrameSize), frame_count: Count,
});
export type ScenarioRow = Static<typeof ScenarioRowSchema>;

export const ScenarioFrameRowSchema = Row({
  suite: Name, scenario_id: Id, truth_sha256: Sha256, frame_index: Count, sha256: Sha256,
  width: FrameSize, height: FrameSize, negative: Flag, lighting: Name, lighting_params_json: Nullable(Json), cards_json: Json,
});
export type ScenarioFrameRow = Static<typeof ScenarioFrameRowSchema>;

export const WorkItemRowSchema = Row({
  id: Id, run_id: Id, slot_serial: Id, scenario_id: Id, truth_sha256: Sha256,
  repeat_index: Count, seq: Count, status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('failed')]),
  done_attempt_id: Nullable(Id),
});
export type WorkItemRow = Static<typeof WorkItemRowSchema>;

export const AttemptRowSchema = Row({
  id: Id, run_id: Id, item_id: Id, attempt: Count, serial: Id, scenario_id: Id,
  started_at: Time, finished_at: Nullable(Time),
  outcome: Type.Union([Type.Literal('running'), Type.Literal('ok'), Type.Literal('infra_error'), Type.Literal('abandoned')]),
  error_code: Nullable(Name), error_message: Nullable(Text), evidence_dir: Nullable(Text), logcat_path: Nullable(Text),
  results_path: Nullable(Text), crops_dir: Nullable(Text),
  thermal_start: Nullable(ThermalStatus), thermal_end: Nullable(ThermalStatus), battery_temp_start: Nullable(BatteryTemp),
  battery_temp_end: Nullable(BatteryTemp), delegate_used: Nullable(Name), wall_ms: Nullable(DurationMs),
});
export type AttemptRow = Static<typeof AttemptRowSchema>;

export const MeasurementRowSchema = Row({
  attempt_id: Id, run_id: Id, serial: Id, scenario_id: Id, repeat_index: Count,
  frame_index: Count, lighting: Name, negative: Flag, t_decode: Nullable(LatencyMs), t_pre: Nullable(LatencyMs),
  t_infer: Nullable(LatencyMs), t_post: Nullable(LatencyMs), t_total: Nullable(LatencyMs),
  // migration 105: absent in exports written before it
  t_infer_cpu: Type.Optional(Nullable(LatencyMs)),
  // migration 122: the quarter-turn classifier's stage; absent in exports written before it, null without a classifier
  t_turn: Type.Optional(Nullable(LatencyMs)),
  dropped: Flag, thermal_flag: Flag, detections: Count, matched: Count, cards: Count, iou: Nullable(Rate01),
  corner_err_px: Nullable(PixelError), corner_err_pct: Nullable(Percent),
  false_detections: Count, detections_json: Nullable(Json), error: Nullable(Text),
});
export type MeasurementRow = Static<typeof MeasurementRowSchema>;

const Lat = Nullable(LatencyMs);
const R01 = Nullable(Rate01);
export const AggregateRowSchema = Row({
  run_id: Id, serial: Id, scenario_id: Id, lighting: Name,
  frames: Count, card_frames: Count, negative_frames: Count, latency_n: Count, thermal_excluded: Count,
  p50: Lat, p50_lo: Lat, p50_hi: Lat, p90: Lat, p90_lo: Lat, p90_hi: Lat, p99: Lat, p99_lo: Lat, p99_hi: Lat,
  mean: Lat, mean_lo: Lat, mean_hi: Lat, std: Lat, infer_p50: Lat, sustained_fps: Nullable(Fps), drop_rate: R01,
  iou_median: R01, iou_mean: R01, iou_mean_lo: R01, iou_mean_hi: R01, corner_err_px: Nullable(PixelError), corner_err_pct: Nullable(Percent),
  detection_rate: R01, false_detections: Count, false_detection_rate: R01,
  // migration 105: t_infer_cpu percentiles; absent in exports written before it
  infer_cpu_p50: Type.Optional(Lat), infer_cpu_p50_lo: Type.Optional(Lat), infer_cpu_p50_hi: Type.Optional(Lat),
  infer_cpu_p90: Type.Optional(Lat), infer_cpu_p90_lo: Type.Optional(Lat), infer_cpu_p90_hi: Type.Optional(Lat),
  // migration 116: its floor (p05), a vdevice's judged latency; absent in exports written before it
  infer_cpu_p05: Type.Optional(Lat), infer_cpu_p05_lo: Type.Optional(Lat), infer_cpu_p05_hi: Type.Optional(Lat),
  verdict: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('no-data')]), verdict_reason: Nullable(Text),
});
export type AggregateRow = Static<typeof AggregateRowSchema>;

export const DeviceSampleRowSchema = Row({
  run_id: Id, serial: Id, at: Time, phase: Name,
  thermal_status: Nullable(ThermalStatus), battery_temp_c: Nullable(BatteryTemp), battery_level: Nullable(BatteryLevel),
});
export type DeviceSampleRow = Static<typeof DeviceSampleRowSchema>;

export const DeviceEventRowSchema = Row({
  run_id: Id, serial: Id, at: Time, kind: Name, detail: Nullable(Text),
});
export type DeviceEventRow = Static<typeof DeviceEventRowSchema>;

/** ui_measurements (migration 080): a UI capture spec's timings; written by the UI farm, never uploaded. */
export interface UiMeasurementRow {
  attempt_id: string; run_id: string; serial: string; scenario_id: string; lighting: string; frame_index: number | null;
  launch_ms: number | null; time_to_outline_ms: number | null; capture_to_crop_ms: number | null;
  crop_iou: number | null; crop_aspect: number | null; screenshot_path: string | null;
}

/** dash_run_device (migration 050): one run × device × lighting summary the dashboards read. */
export interface DashRunDeviceRow {
  run_id: string; serial: string; lighting: string; suite: string; started_at: number; virtual: number;
  fingerprint_id: string | null; frames: number; latency_n: number; thermal_excluded: number; dropped: number;
  p50: number | null; p50_lo: number | null; p50_hi: number | null; p90: number | null; p90_lo: number | null; p90_hi: number | null;
  iou_n: number; iou_mean: number | null; iou_lo: number | null; iou_hi: number | null; detection_rate: number | null;
  infer_cpu_p50?: number | null; infer_cpu_p50_lo?: number | null; infer_cpu_p50_hi?: number | null;
  infer_cpu_p90?: number | null; infer_cpu_p90_lo?: number | null; infer_cpu_p90_hi?: number | null;
  infer_cpu_p05?: number | null; infer_cpu_p05_lo?: number | null; infer_cpu_p05_hi?: number | null;
  histogram_json: string | null; worst_json: string | null;
}
