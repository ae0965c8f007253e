/**
 * The recorded A/A nights: the same build run night after night on one vdevice, kept as a compact
 * gzip JSON fixture — per night, the run's per-frame latency/IoU columns (880 frames of the nightly
 * suite are small) and the run's stored aggregates, so compare's and nightly's tests and
 * `bench:nightly` replay real noise instead of invented Gaussian noise.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AggregateRow, MeasurementRow } from '../store/rows.ts';

/**
 * Each night: the candidate's run (unpaced, as vdevice nights run) and the reference model's right after.
 * 64 nights on a quiet host (nothing else running in the VM: a farm host at night). Beside it,
 * fixtures/aa-nights-shared-host.json.gz: 24 nights on the same 2-core VM at load 8–27 (five other
 * sessions), kept to show what a shared host does to the same statistics (`bench:nightly --fixture`).
 */
export const AA_FIXTURE = new URL('./fixtures/aa-nights.json.gz', import.meta.url);

/**
 * The nightly suite's scenarios the A/A nights run (record-aa.ts): two lightings × two desks (40 frames
 * a lighting: 4 blocks, enough for compare) and the negatives — 100 of its 880 frames. On this 2-core
 * host shared with five other sessions a niced vdevice ran ~1.5 frames/s of wall time (inference took
 * 21 ms of CPU time but 350 ms of wall time), so a fuller night did not fit 20+ nights in one session.
 */
export const AA_SCENARIOS: readonly string[] = ['daylight-wood', 'daylight-white_paper', 'backlit-wood', 'backlit-white_paper', 'entering-then-negative'];

/**
 * The recorded nights as one device's history: record-aa.ts ran two identical vdevices (same
 * profile, one per core) side by side to get 20+ nights into a session; each device's first night
 * (a cold install and frame push) is dropped and the rest are taken in the order they ran, under the
 * first device's serial — same-build nights of the same virtual device model on the same host.
 */
export function pooledNights(fx: AaFixture): AaNight[] {
  const first = new Map<string, number>();
  fx.nights.forEach((n, i) => { if (!first.has(n.device.serial)) first.set(n.device.serial, i); });
  const serial = fx.nights[0]?.device.serial ?? '';
  return fx.nights.filter((_, i) => ![...first.values()].includes(i))
    .sort((a, b) => a.started_at - b.started_at || a.night - b.night)
    .map((n) => ({ ...n, device: { ...n.device, serial } }));
}

/** The aggregate columns series are drawn from (the dashboards' columns). */
export const FIXTURE_AGGREGATE_COLUMNS = ['scenario_id', 'lighting', 'frames', 'card_frames', 'negative_frames', 'latency_n',
  'p50', 'p50_lo', 'p50_hi', 'p90', 'p90_lo', 'p90_hi', 'mean', 'std', 'sustained_fps', 'drop_rate',
  'iou_mean', 'iou_mean_lo', 'iou_mean_hi', 'detection_rate', 'false_detection_rate',
  'infer_cpu_p50', 'infer_cpu_p50_lo', 'infer_cpu_p50_hi', 'infer_cpu_p90', 'infer_cpu_p90_lo', 'infer_cpu_p90_hi',
  'infer_cpu_p05', 'infer_cpu_p05_lo', 'infer_cpu_p05_hi'] as const;
export type FixtureAggregate = Pick<AggregateRow, (typeof FIXTURE_AGGREGATE_COLUMNS)[number]>;

/** Frame columns, one array per column (columnar keeps the file small). */
export interface FixtureFrames {
  scenario: string[]; lighting: string[]; repeat: number[];
  t_total: (number | null)[]; iou: (number | null)[];
  /** inference thread CPU time (recorded since migration 105; absent in older fixtures) */
  t_infer_cpu?: (number | null)[];
  dropped: number[]; error: number[]; thermal: number[]; cards: number[]; matched: number[]; negative: number[]; detections: number[];
  false_detections: number[];
}

export interface AaNight {
  night: number; run_id: string; started_at: number; wall_ms: number; exit_code: number;
  device: { serial: string; model: string; virtual: number };
  apk_sha256: string;
  frames: FixtureFrames;
  aggregates: FixtureAggregate[];
  /** the frozen reference model run right after on the same device (the control series), when recorded */
  reference?: { run_id: string; started_at: number; apk_sha256: string; frames: FixtureFrames; aggregates: FixtureAggregate[] };
}

export interface AaFixture { schema: 'rio-aa/1'; suite: string; recorded_with: string; nights: AaNight[] }

const round = (v: number | null, d: number) => (v === null ? null : Number(v.toFixed(d)));

export function framesOf(rows: readonly MeasurementRow[]): FixtureFrames {
  return {
    scenario: rows.map((r) => r.scenario_id), lighting: rows.map((r) => r.lighting), repeat: rows.map((r) => r.repeat_index),
    t_total: rows.map((r) => round(r.t_total, 3)), t_infer_cpu: rows.map((r) => round(r.t_infer_cpu ?? null, 3)), iou: rows.map((r) => round(r.iou, 4)),
    dropped: rows.map((r) => r.dropped), error: rows.map((r) => (r.error ? 1 : 0)), thermal: rows.map((r) => r.thermal_flag),
    cards: rows.map((r) => r.cards), matched: rows.map((r) => r.matched), false_detections: rows.map((r) => r.false_detections), negative: rows.map((r) => r.negative), detections: rows.map((r) => r.detections),
  };
}

/** Frame rows back in the shape compare and the aggregates read (serial/run from the night). */
export function measurementRows(n: Pick<AaNight, 'frames' | 'run_id' | 'device'>): MeasurementRow[] {
  const f = n.frames;
  return f.scenario.map((scenario_id, i) => ({
    attempt_id: `${n.run_id}/${scenario_id}`, run_id: n.run_id, serial: n.device.serial, scenario_id, repeat_index: f.repeat[i]!, frame_index: i,
    lighting: f.lighting[i]!, negative: f.negative[i]!, t_decode: null, t_pre: null, t_infer: null, t_post: null, t_total: f.t_total[i]!, t_infer_cpu: f.t_infer_cpu?.[i] ?? null,
    dropped: f.dropped[i]!, thermal_flag: f.thermal[i]!, detections: f.detections[i]!, matched: f.matched[i]!, cards: f.cards[i]!, iou: f.iou[i]!,
    corner_err_px: null, corner_err_pct: null, false_detections: f.false_detections[i]!, detections_json: null, error: f.error[i] ? 'error' : null,
  }));
}

/** The nights without their reference runs: the candidate's series only. */
export const candidateNights = (nights: readonly AaNight[]): AaNight[] => nights.map(({ reference: _, ...n }) => n);

export function readAaFixture(path: URL | string = AA_FIXTURE): AaFixture {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as AaFixture;
}

export function writeAaFixture(fx: AaFixture, path: URL | string = AA_FIXTURE): void {
  writeFileSync(path, gzipSync(JSON.stringify(fx), { level: 9 }));
}

export function readOrStartFixture(suite: string, recordedWith: string, path: URL | string = AA_FIXTURE): AaFixture {
  return existsSync(path) ? readAaFixture(path) : { schema: 'rio-aa/1', suite, recorded_with: recordedWith, nights: [] };
}
