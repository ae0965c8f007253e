/**
 * The UI run's plan: written by the WDIO launcher (wdio.conf.ts onPrepare) once devices are ready,
 * read by every spec worker through RIO_UI_PLAN. Workers append one record per spec attempt to
 * their own JSONL file; the launcher stores them all at the end (one writer for the store).
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Quad } from '../../../harness/src/metrics/quad.ts';
import type { ManifestCamera } from '../../../android-demo/contract/manifest-schema.ts';
import type { FrameTruth } from '../../../harness/src/metrics/frame-measurements.ts';

export const PLAN_ENV = 'RIO_UI_PLAN';

export interface UiScenario {
  /** the spec parameter: daylight | dim | backlit | glare */
  lighting: string;
  suite: string;
  scenarioId: string;
  truthSha256: string;
  /** device path of the pushed manifest the preview replays (vdevices) */
  manifestDevicePath: string;
  /** the camera that shot the scenario (the manifest's `camera`), when known */
  camera?: ManifestCamera;
  /** ground truth per manifest index (the metrics' FrameTruth) plus the frame's sha256 */
  frames: (FrameTruth & { sha256: string })[];
}

export interface UiPlan {
  runId: string;
  startedAt: number;
  target: 'vdevice' | 'real';
  /** reports/ui: JUnit, screenshots, attempt records */
  outDir: string;
  scenarios: UiScenario[];
}

/** One spec attempt on one device, as a worker saw it. */
export interface UiAttemptRecord {
  serial: string;
  lighting: string;
  scenarioId: string;
  attempt: number;
  startedAt: number;
  finishedAt: number;
  outcome: 'ok' | 'product_failure' | 'infra_error';
  error?: string;
  frameIndex?: number;
  /** `am start -W` until the preview is displayed (cold start) */
  launchMs?: number;
  /** `am start` issued → the card outline in the hierarchy */
  timeToOutlineMs?: number;
  captureToCropMs?: number;
  /** the captured quad (frame pixels) as the crop screen shows it */
  cropQuad?: Quad;
  cropIoU?: number | null;
  cropAspect?: number;
  /** the app's stage timings for the captured frame (ms) */
  timings?: Record<string, number>;
  screenshot?: string;
}

export function writePlan(plan: UiPlan): string {
  mkdirSync(plan.outDir, { recursive: true });
  const path = join(plan.outDir, `plan-${plan.runId}.json`);
  writeFileSync(path, JSON.stringify(plan, null, 2));
  return path;
}

/** The plan of the current run (workers); throws when the spec runs outside wdio.conf.ts. */
export function readPlan(): UiPlan {
  const path = process.env[PLAN_ENV];
  if (!path) throw new Error(`${PLAN_ENV} is not set: run the UI specs through wdio.conf.ts (npm run test:ui)`);
  return JSON.parse(readFileSync(path, 'utf8')) as UiPlan;
}

export function attemptsFile(plan: UiPlan, serial: string): string {
  return join(plan.outDir, 'attempts', plan.runId, `${serial.replace(/[^\w.-]/g, '_')}.jsonl`);
}

export function appendAttempt(plan: UiPlan, rec: UiAttemptRecord): void {
  const file = attemptsFile(plan, rec.serial);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(rec)}\n`);
}
