/**
 * Stores a finished UI run in the rio-farm store (the one `rio-farm run` writes): a run labelled
 * `ui`, its devices, one work item per (device, lighting), every attempt with its error, the
 * captured frame as a measurements row, and the UI timings in ui_measurements.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DEFAULT_DB_URL, openStore } from '../../../harness/src/store/index.ts';
import type { DeviceFingerprint, MeasurementRow, RunStatus } from '../../../harness/src/store/index.ts';
import { matchCrops } from '../../../harness/src/metrics/crop-match.ts';
import { lightingKey } from '../../../harness/src/metrics/lighting.ts';
import { frameRows, scenarioRow } from '../../../harness/src/run/run-suite.ts';
import type { BuiltScenario } from '../../generator/index.ts';
import { attemptsFile, type UiAttemptRecord, type UiPlan, type UiScenario } from './ui-plan.ts';

/** Where storeUiRun leaves the run's verdict for run-ui.ts (same process as the WDIO launcher). */
export const VERDICT_ENV = 'RIO_UI_VERDICT';
export type UiVerdict = 'passed' | 'product_failure' | 'infra_failure' | 'bad_input';

/** Store URL: RIO_FARM_DB like `rio-farm run`, default the project's SQLite file. */
export function uiStoreUrl(): string {
  return process.env.RIO_FARM_DB ?? DEFAULT_DB_URL;
}

export async function storeUiRun(plan: UiPlan, devices: DeviceFingerprint[], built: readonly BuiltScenario[], wdioExitCode: number,
  url = uiStoreUrl()): Promise<void> {
  const records = devices.flatMap((d) => readAttempts(plan, d.serial));
  const store = await openStore(url);
  try {
    // infrastructure only when no spec's final attempt failed on the product
    const finals = devices.flatMap((d) => plan.scenarios.map((s) => finalOutcome(records.filter((r) => r.serial === d.serial), s.lighting)));
    const infra = !finals.includes('product_failure') && finals.some((o) => o === 'infra_error' || o === undefined);
    const status: RunStatus = wdioExitCode === 0 ? 'passed' : infra ? 'infra_failure' : 'product_failure';
    process.env[VERDICT_ENV] = status;
    await store.createRun({
      id: plan.runId, suite: 'ui', status: 'running', exit_code: null, started_at: plan.startedAt, finished_at: null,
      host: hostname(), out_dir: plan.outDir, apk_sha256: null, app_version: null, model_sha256: null,
      options_json: JSON.stringify({ kind: 'ui', target: plan.target, lightings: plan.scenarios.map((s) => s.lighting) }),
      virtual_only: devices.every((d) => d.virtual) ? 1 : 0,
    }, { kind: 'ui', target: plan.target });
    for (const s of built) await store.recordScenario(scenarioRow(s), frameRows(s));
    for (const d of devices) {
      const fingerprintId = await store.recordDevice(d);
      const mine = records.filter((r) => r.serial === d.serial);
      await store.upsertRunDevice({ run_id: plan.runId, serial: d.serial, fingerprint_id: fingerprintId,
        status: plan.scenarios.every((s) => finalOutcome(mine, s.lighting) === 'ok') ? 'done' : 'failed' });
      for (const [seq, s] of plan.scenarios.entries()) await storeScenarioAttempts(store, plan, d.serial, seq, s, mine);
    }
    await store.finishRun(plan.runId, status, wdioExitCode === 0 ? 0 : infra ? 2 : 1);
  } finally {
    await store.close();
  }
}

type Store = Awaited<ReturnType<typeof openStore>>;

async function storeScenarioAttempts(store: Store, plan: UiPlan, serial: string, seq: number, s: UiScenario, records: UiAttemptRecord[]) {
  const itemId = `${plan.runId}/${serial}/${s.scenarioId}/0`;
  await store.planItems([{ id: itemId, run_id: plan.runId, slot_serial: serial, scenario_id: s.scenarioId,
    truth_sha256: s.truthSha256, repeat_index: 0, seq, status: 'pending', done_attempt_id: null }]);
  for (const r of records.filter((x) => x.lighting === s.lighting).sort((a, b) => a.attempt - b.attempt)) {
    const id = `${itemId}/a${r.attempt}`;
    await store.startAttempt({ id, run_id: plan.runId, item_id: itemId, attempt: r.attempt, serial, scenario_id: s.scenarioId,
      started_at: r.startedAt, evidence_dir: r.screenshot ?? null });
    if (r.outcome === 'infra_error') {
      await store.failAttempt(id, { error_code: 'DEVICE_GONE', error_message: r.error ?? 'infrastructure failure', finished_at: r.finishedAt });
      continue;
    }
    const rows = r.frameIndex === undefined ? [] : [measurementRow(plan, serial, s, r, id)];
    if (r.outcome === 'ok') {
      await store.completeAttempt(id, itemId, { finished_at: r.finishedAt, wall_ms: r.finishedAt - r.startedAt }, rows);
    } else {
      // A product failure is a finished attempt with a verdict, not an infrastructure error: keep its evidence.
      await store.completeAttempt(id, itemId, { finished_at: r.finishedAt, wall_ms: r.finishedAt - r.startedAt,
        error_code: 'BELOW_BAR', error_message: r.error ?? null }, rows);
    }
    if (r.frameIndex !== undefined) {
      await store.addUiMeasurement({ attempt_id: id, run_id: plan.runId, serial, scenario_id: s.scenarioId, lighting: s.lighting,
        frame_index: r.frameIndex, launch_ms: r.launchMs ?? null, time_to_outline_ms: r.timeToOutlineMs ?? null,
        capture_to_crop_ms: r.captureToCropMs ?? null, crop_iou: r.cropIoU ?? null, crop_aspect: r.cropAspect ?? null,
        screenshot_path: r.screenshot ?? null });
    }
  }
}

/** The captured frame as a per-frame measurement: the app's stage timings and the crop against the truth. */
function measurementRow(plan: UiPlan, serial: string, s: UiScenario, r: UiAttemptRecord, attemptId: string): MeasurementRow {
  const truth = s.frames.find((f) => f.index === r.frameIndex);
  const m = matchCrops(r.cropQuad ? [{ quad: r.cropQuad, score: 1 }] : [], truth?.cards ?? []);
  const t = r.timings ?? {};
  const stages = [t.decode, t.pre, t.infer, t.post];
  return {
    attempt_id: attemptId, run_id: plan.runId, serial, scenario_id: s.scenarioId, repeat_index: 0, frame_index: r.frameIndex!,
    lighting: truth ? lightingKey(truth.lighting.tags) : 'unknown', negative: truth?.negative ? 1 : 0,
    t_decode: t.decode ?? null, t_pre: t.pre ?? null, t_infer: t.infer ?? null, t_post: t.post ?? null,
    t_total: stages.every((v) => v !== undefined) ? stages.reduce((a, b) => a! + b!, 0)! : null,
    dropped: 0, thermal_flag: 0, detections: r.cropQuad ? 1 : 0, matched: m.matched, cards: m.cards, iou: m.iou,
    corner_err_px: m.cornerErrPx, corner_err_pct: m.cornerErrPct, false_detections: m.falseDetections,
    detections_json: r.cropQuad ? JSON.stringify([{ quad: r.cropQuad, score: 1 }]) : null, error: null,
  };
}

/** The outcome of a lighting's last attempt on a device (undefined when it never ran). */
function finalOutcome(records: UiAttemptRecord[], lighting: string): UiAttemptRecord['outcome'] | undefined {
  return records.filter((r) => r.lighting === lighting).sort((a, b) => b.attempt - a.attempt)[0]?.outcome;
}

export function readAttempts(plan: UiPlan, serial: string): UiAttemptRecord[] {
  const file = attemptsFile(plan, serial);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as UiAttemptRecord);
}
