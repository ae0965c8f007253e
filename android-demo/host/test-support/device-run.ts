/**
 * The harness side of one benchmark run, as tests and the app benchmark need it: install, push
 * frames and manifest, `am start`, follow logcat until RIO_DONE or a crash, pull results.json —
 * through the device facade on the test farm's adb server, with the contract's own builder
 * and parser (android-demo/contract), as CONTRACT.md describes.
 */
import type { TestFarm } from '../../../harness/test-support/farm.ts';
import { AdbDevice, type LogEntry } from '../../../harness/src/devices/adb-device.ts';
import { formatLogEntry } from '../../../harness/src/replay/logcat-feed.ts';
import { isCrashOf } from '../../../harness/src/replay/app-crash.ts';
import { CROP_BUDGET, RESULTS_BUDGET } from '../../../harness/src/replay/pull-budgets.ts';
import { APP_PACKAGE, appRunDir, benchmarkStartCommand, FRAMES_DIR, manifestOf, parseMarker } from '../../contract/index.ts';


export interface RunOptions { runId: string; scenario?: string; frames: { index: number; path: string; sha256: string }[];
  warmup?: number; threads?: number; delegate?: string; fps?: number; saveCrops?: boolean; timeoutMs?: number;
  /** tests: change the manifest before it is pushed */
  editManifest?: (m: { frames: { index: number; file: string }[] }) => void }
export interface RunOutcome { results?: unknown; logcat: string; crashed: boolean; resultsMissing: boolean }

/** `adb install -r APK` */
export async function installApk(farm: TestFarm, serial: string, apkPath: string): Promise<void> {
  await new AdbDevice(farm.client, serial).install(apkPath);
}

/** Pushes the frames and the manifest; starts the run; follows logcat to its end; pulls results.json. */
export async function runBenchmark(farm: TestFarm, serial: string, o: RunOptions): Promise<RunOutcome> {
  const adb = new AdbDevice(farm.client, serial);
  for (const f of o.frames) await adb.push(f.path, `${FRAMES_DIR}/${f.sha256}.jpg`);
  const manifest = manifestOf(o.runId, o.scenario ?? 'test', o.frames);
  o.editManifest?.(manifest);
  const runDir = appRunDir(o.runId);
  await adb.push(Buffer.from(JSON.stringify(manifest)), `${runDir}/manifest.json`);
  await adb.shell('logcat -c');
  const entries: LogEntry[] = [];
  let crashed = false;
  let stream: { end(): void } | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    const timeoutMs = o.timeoutMs ?? 120_000;
    const timer = setTimeout(() => reject(new Error(`run ${o.runId}: no RIO_DONE within ${timeoutMs} ms\n${entries.map(formatLogEntry).join('\n')}`)), timeoutMs);
    const finish = () => { clearTimeout(timer); resolve(); };
    adb.logcat((e) => {
      entries.push(e);
      if (isCrashOf(APP_PACKAGE, e.tag, e.message)) { crashed = true; finish(); }
      const m = parseMarker(e.tag, e.message);
      if (m?.kind === 'done' && m.run === o.runId) finish();
    }, (err) => { clearTimeout(timer); reject(err ?? new Error(`logcat of ${serial} ended before RIO_DONE`)); })
      .then((s) => { stream = s; }, reject);
  });
  try {
    await adb.shell(benchmarkStartCommand({ runId: o.runId, manifest: `${runDir}/manifest.json`, warmup: o.warmup ?? 1,
      threads: o.threads ?? 2, delegate: o.delegate ?? 'cpu', fps: o.fps ?? 0, saveCrops: o.saveCrops ?? false }));
    await ended;
  } finally {
    stream?.end();
  }
  const logcat = entries.map(formatLogEntry).join('\n') + '\n';
  // a crashed run leaves no results.json (CONTRACT.md): ask the folder, since a sync pull of a missing file ends empty
  if (!(await adb.list(runDir)).has('results.json')) return { logcat, crashed, resultsMissing: true };
  const pulled = await adb.pull(`${runDir}/results.json`, RESULTS_BUDGET);
  return { results: JSON.parse(pulled.toString('utf8')), logcat, crashed, resultsMissing: false };
}

/** Pulls one crop (or undefined when the app wrote none). */
export async function pullCrop(farm: TestFarm, serial: string, runId: string, index: number): Promise<Buffer | undefined> {
  const adb = new AdbDevice(farm.client, serial);
  const crops = `${appRunDir(runId)}/crops`;
  return (await adb.list(crops)).has(`${index}.jpg`) ? adb.pull(`${crops}/${index}.jpg`, CROP_BUDGET) : undefined;
}
