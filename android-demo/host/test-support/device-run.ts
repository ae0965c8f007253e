/**
 * The harness side of one benchmark run, as tests and the app benchmark need it: install, push
 * frames and manifest, `am start`, wait for RIO_DONE or a crash in logcat, pull results.json —
 * all through the adb CLI on the test farm's server, as CONTRACT.md describes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestFarm } from '../../../harness/test-support/farm.ts';
import { manifestOf } from '../../contract/results-schema.ts';

export const APP_FILES = '/sdcard/Android/data/dev.riofarm.rio/files';

export interface RunOptions { runId: string; scenario?: string; frames: { index: number; path: string; sha256: string }[];
  warmup?: number; threads?: number; delegate?: string; fps?: number; saveCrops?: boolean; timeoutMs?: number;
  /** tests: change the manifest before it is pushed */
  editManifest?: (m: { frames: { index: number; file: string }[] }) => void }
export interface RunOutcome { results?: unknown; logcat: string; crashed: boolean; resultsMissing: boolean }

async function adbOk(farm: TestFarm, serial: string, args: string[]): Promise<string> {
  const r = await farm.adb(['-s', serial, ...args]);
  if (r.code !== 0) throw new Error(`adb ${args.join(' ')} → ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export async function installApk(farm: TestFarm, serial: string, apkPath: string): Promise<void> {
  const out = await adbOk(farm, serial, ['install', '-r', apkPath]);
  if (!/Success/.test(out)) throw new Error(`install: ${out}`);
}

/** Pushes the frames the device lacks and the manifest; starts the run; waits for its end. */
export async function runBenchmark(farm: TestFarm, serial: string, o: RunOptions): Promise<RunOutcome> {
  const tmp = mkdtempSync(join(tmpdir(), 'rio-run-'));
  try {
    for (const f of o.frames) await adbOk(farm, serial, ['push', f.path, `${APP_FILES}/frames/${f.sha256}.jpg`]);
    const manifest = manifestOf(o.runId, o.scenario ?? 'test', o.frames);
    o.editManifest?.(manifest);
    const local = join(tmp, 'manifest.json');
    writeFileSync(local, JSON.stringify(manifest));
    const devManifest = `${APP_FILES}/runs/${o.runId}/manifest.json`;
    await adbOk(farm, serial, ['push', local, devManifest]);
    await adbOk(farm, serial, ['logcat', '-c']);
    await adbOk(farm, serial, ['shell', 'am', 'start', '-W', '-n', 'dev.riofarm.rio/.BenchmarkActivity',
      '--es', 'run_id', o.runId, '--es', 'manifest', devManifest, '--ei', 'warmup', String(o.warmup ?? 1),
      '--ei', 'threads', String(o.threads ?? 2), '--es', 'delegate', o.delegate ?? 'cpu', '--ei', 'fps', String(o.fps ?? 0),
      '--ez', 'save_crops', String(o.saveCrops ?? false)]);
    const deadline = Date.now() + (o.timeoutMs ?? 120_000);
    let logcat = '';
    for (;;) {
      logcat = await adbOk(farm, serial, ['logcat', '-d']);
      const crashed = /FATAL EXCEPTION/.test(logcat) && logcat.includes('dev.riofarm.rio');
      if (crashed || new RegExp(`RIO_DONE run=${o.runId} `).test(logcat)) {
        const pulled = join(tmp, 'results.json');
        const r = await farm.adb(['-s', serial, 'pull', `${APP_FILES}/runs/${o.runId}/results.json`, pulled]);
        if (r.code !== 0) return { logcat, crashed, resultsMissing: true };
        return { results: JSON.parse(readFileSync(pulled, 'utf8')), logcat, crashed, resultsMissing: false };
      }
      if (Date.now() > deadline) throw new Error(`run ${o.runId}: no RIO_DONE within ${o.timeoutMs ?? 120_000} ms\n${logcat}`);
      await sleep(250);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Pulls one crop (or undefined when the app wrote none). */
export async function pullCrop(farm: TestFarm, serial: string, runId: string, index: number): Promise<Buffer | undefined> {
  const tmp = mkdtempSync(join(tmpdir(), 'rio-crop-'));
  try {
    const r = await farm.adb(['-s', serial, 'pull', `${APP_FILES}/runs/${runId}/crops/${index}.jpg`, join(tmp, 'c.jpg')]);
    return r.code === 0 ? readFileSync(join(tmp, 'c.jpg')) : undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
