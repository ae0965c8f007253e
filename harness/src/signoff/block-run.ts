/**
 * One block: one arm's APK over one chunk of scenarios on one device, through the same runner as
 * `rio-farm run` (runSuite with this device only). A block taken while the device was throttled
 * (thermal status above NONE at any sample, or a frame the runner thermal-flagged) or one that
 * did not produce valid results is invalid; the caller retries it after the runner's cool-down.
 */
import { join } from 'node:path';
import { runSuite, type RunSummary } from '../run/run-suite.ts';
import { silentProgress } from '../run/progress.ts';
import { DEFAULT_RUN_OPTIONS, type RunOptions } from '../run/run-options.ts';
import { openStore } from '../store/index.ts';
import type { BlockRecord } from './evidence.ts';
import type { Arm } from './blocks.ts';
import type { SignoffPolicy } from './policy.ts';

/** Unpaced replay: every frame is processed (none dropped), so both arms time and judge the same frames. */
const SIGNOFF_FPS = 0;

export interface BlockSpec {
  signoffId: string; serial: string; unit: number; position: number; retry: number; arm: Arm;
  apk: string; chunk: number; scenarios: string[]; db: string; outDir: string; policy: SignoffPolicy;
  threads?: number; delegate?: string;
}

/** The runner's own progress stays quiet: a sign-off prints one line per block instead. */
export async function runBlock(spec: BlockSpec): Promise<{ record: BlockRecord; summary: RunSummary }> {
  const opts: RunOptions = {
    ...DEFAULT_RUN_OPTIONS, suite: spec.policy.suite, devices: [spec.serial], apk: spec.apk, scenarios: spec.scenarios,
    fps: SIGNOFF_FPS, warmup: spec.policy.block.warmup, saveCrops: false, db: spec.db,
    threads: spec.threads ?? DEFAULT_RUN_OPTIONS.threads, delegate: spec.delegate ?? DEFAULT_RUN_OPTIONS.delegate,
    out: join(spec.outDir, 'blocks', spec.serial.replace(/[^A-Za-z0-9._-]/g, '_'), `u${spec.unit}-p${spec.position}-${spec.arm}-r${spec.retry}`),
    labels: { signoff: spec.signoffId, arm: spec.arm, unit: String(spec.unit), position: String(spec.position) },
    // The runner's pre-flight waits for a hot device to cool, bounded by the policy's cool-down.
    health: { ...DEFAULT_RUN_OPTIONS.health, cooldownMaxMs: spec.policy.throttle.cooldown_s * 1000 },
  };
  const summary = await runSuite(opts, { progress: silentProgress(), printTable: false });
  const store = await openStore(spec.db);
  try {
    const attempts = (await store.attempts(summary.runId)).filter((a) => a.outcome === 'ok');
    const samples = await store.samples(summary.runId);
    const flagged = await store.thermalFlaggedFrames(summary.runId);
    const thermal = [...attempts.flatMap((a) => [a.thermal_start, a.thermal_end]), ...samples.filter((s) => s.phase === 'final').map((s) => s.thermal_status)]
      .filter((v): v is number => v !== null && v !== undefined).map(Number);
    const temps = [...attempts.flatMap((a) => [a.battery_temp_start, a.battery_temp_end]), ...samples.filter((s) => s.phase === 'final').map((s) => s.battery_temp_c)]
      .filter((v): v is number => v !== null && v !== undefined).map(Number);
    const thermalMax = thermal.length ? Math.max(...thermal) : null;
    const reason = summary.exitCode === 2 ? `no valid results (${summary.status})`
      : (thermalMax ?? 0) > 0 || flagged > 0 ? `throttled (thermal status ${thermalMax})` : null;
    const record: BlockRecord = {
      serial: spec.serial, unit: spec.unit, position: spec.position, arm: spec.arm, run_id: summary.runId, chunk: spec.chunk,
      retry: spec.retry, valid: reason ? 0 : 1, invalid_reason: reason, thermal_max: thermalMax,
      battery_temp_max: temps.length ? Math.max(...temps) : null, wall_ms: attempts.reduce((s, a) => s + Number(a.wall_ms ?? 0), 0),
    };
    return { record, summary };
  } finally { await store.close(); }
}
