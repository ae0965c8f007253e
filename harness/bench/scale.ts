/**
 * `npm run bench:scale`: what the harness costs per device on a farm of 1, 10, 25 and 50 phones.
 * The phones are `replay-virtual` vdevices (all in one child process): the app answers from a
 * recording of a real twin run (recorded timings and results, no inference), so one host carries
 * 50 and the figures are the harness's, not the model's. The recording is made first, on one
 * ordinary vdevice, in the same run. For each size: a cold run (install, frame push), then a warm
 * run measured — harness CPU per device (share of wall), harness RSS growth per device, adb server
 * CPU, and wall / Σ app wall per device (the app's own timed loops: what a run cannot go below).
 * Every figure is labelled with the profile; nothing here is a real-device number.
 * Env: RIO_SCALE_DEVICES=1,10,25,50  RIO_SCALE_SUITE=smoke
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { buildSuite } from '../../scenarios/generator/index.ts';
import { ensureAdbServer, killAdbServer, adbClient, AdbDevice } from '../src/devices/index.ts';
import { startLocalVdevices } from '../src/run/local-vdevices.ts';
import { runSuite } from '../src/run/run-suite.ts';
import { quietProgress } from '../src/run/run-test-support.ts';
import { DEFAULT_RUN_OPTIONS } from '../src/run/run-options.ts';
import { openStore } from '../src/store/index.ts';
import { recordingOf, RECORDING_DEVICE_PATH } from '../../android-demo/host/recorded-engine.ts';
import type { Results } from '../../android-demo/contract/results-schema.ts';
import { cpuSeconds } from './proc-cpu.ts';

const SIZES = (process.env.RIO_SCALE_DEVICES ?? '1,10,25,50').split(',').map(Number);
const SUITE = process.env.RIO_SCALE_SUITE ?? 'smoke';
const PROFILE = 'replay-virtual';
const CLI = fileURLToPath(new URL('../bin/rio-farm.mjs', import.meta.url));


/** The adb server listening on `port` (`adb -L tcp:PORT fork-server server`). */
function adbServerPid(port: number): number {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith(`tcp:${port}`)) && cmd.includes('fork-server')) return Number(d);
    } catch { /* gone */ }
  }
  throw new Error(`no adb server process found for port ${port}`);
}

/** The results.json of a run's successful attempts. */
async function runResults(db: string, runId: string, outDir: string): Promise<{ serial: string; results: Results }[]> {
  const store = await openStore(db);
  try {
    return (await store.attempts(runId)).filter((a) => a.outcome === 'ok' && a.results_path && existsSync(join(outDir, a.results_path)))
      .map((a) => ({ serial: a.serial, results: JSON.parse(readFileSync(join(outDir, a.results_path!), 'utf8')) as Results }));
  } finally { await store.close(); }
}

async function startReplayFleet(n: number, adbPort: number): Promise<{ child: ChildProcess; serials: string[] }> {
  const child = spawn(process.execPath, [CLI, 'vdevice', 'start', '--count', String(n), '--profile', PROFILE, '--adb-port', String(adbPort)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const serials = await new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => { got.push(l.split('\t')[0]!); if (got.length === n) resolve(got); });
    child.once('exit', (code) => reject(new Error(`vdevice exited with ${code}`)));
  });
  return { child, serials };
}

interface Row { devices: number; scenarios: number; wall: number; appWall: number; cpu: number; rss: number; adbCpu: number; failed: number; setup: number; tail: number }

const dir = mkdtempSync(join(tmpdir(), 'rio-scale-'));
const adbPort = await ensureAdbServer(0);
process.env.ANDROID_ADB_SERVER_PORT = String(adbPort);
const adbPid = adbServerPid(adbPort);
const rows: Row[] = [];
try {
  await buildSuite(SUITE); // render once outside the timings
  // 1. the recording: the suite once on an ordinary vdevice (the twin: real inference)
  const recDb = `sqlite:${join(dir, 'record.db')}`;
  const local = await startLocalVdevices({ count: 1, adbPort });
  let recording;
  try {
    const r = await runSuite({ ...DEFAULT_RUN_OPTIONS, suite: SUITE, devices: local.serials, db: recDb, out: join(dir, 'record') }, { progress: quietProgress() });
    recording = recordingOf((await runResults(recDb, r.runId, r.outDir)).map((x) => x.results));
  } finally { await local.stop(); }
  process.stderr.write(`recorded ${Object.keys(recording.frames).length} frames\n`);

  // 2. each farm size: cold run, then the measured warm run
  for (const n of SIZES) {
    const fleet = await startReplayFleet(n, adbPort);
    try {
      const bytes = Buffer.from(JSON.stringify(recording));
      await Promise.all(fleet.serials.map((s) => new AdbDevice(adbClient(adbPort), s).pushMany([{ from: bytes, to: RECORDING_DEVICE_PATH }])));
      const db = `sqlite:${join(dir, `scale-${n}.db`)}`;
      const opts = { ...DEFAULT_RUN_OPTIONS, suite: SUITE, devices: fleet.serials, db };
      await runSuite({ ...opts, out: join(dir, `cold-${n}`) }, { progress: quietProgress() });
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      let rssPeak = rss0;
      const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 100);
      const adb0 = cpuSeconds(adbPid);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const epoch0 = Date.now();
      const r = await runSuite({ ...opts, out: join(dir, `warm-${n}`) }, { progress: quietProgress() });
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const adbCpu = cpuSeconds(adbPid) - adb0;
      clearInterval(sampler);
      const done = await runResults(db, r.runId, r.outDir);
      // where the wall goes outside the sessions: before the first attempt (lease, fingerprint, health,
      // install check, first push, am start) and after the last (aggregates, report, junit, run.json)
      const store = await openStore(db);
      const attempts = await store.attempts(r.runId).finally(() => store.close());
      const setup = Math.min(...attempts.map((a) => Number(a.started_at))) - epoch0;
      const tail = epoch0 + wall - Math.max(...attempts.map((a) => Number(a.finished_at ?? 0)));
      const appWall = fleet.serials.reduce((s, serial) => s + done.filter((d) => d.serial === serial).reduce((t, d) => t + (d.results.wall_ms ?? 0), 0), 0) / n;
      const suite = await buildSuite(SUITE);
      rows.push({ devices: n, scenarios: suite.scenarios.length, wall, appWall, cpu: (cpu.user + cpu.system) / 1000, rss: rssPeak - rss0, adbCpu,
        failed: n * suite.scenarios.length - done.length, setup, tail });
    } finally {
      fleet.child.kill('SIGINT');
      await new Promise((r) => fleet.child.once('exit', r));
    }
    process.stderr.write(`done: ${n} devices\n`);
  }
} finally {
  await killAdbServer(adbPort);
  rmSync(dir, { recursive: true, force: true });
}

const f = (v: number, d = 2) => v.toFixed(d);
console.log(`\nrio-farm harness at farm scale: suite ${SUITE}, warm runs, vdevice profile ${PROFILE} (recorded app timings and results, no inference — harness figures only, never device figures)\n`);
console.log('| devices | scenarios/device | failed | wall s | Σ app wall/device s | wall / Σ app wall (goal ≤ 1.05) | ms/scenario outside the app loop (goal ≤ 20) | harness CPU s | harness CPU per device % of wall (goal ≤ 2 at 50) | harness RSS growth per device MB | adb server CPU s | adb server CPU % of wall | run start → first attempt s | last attempt → run end s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.devices} | ${r.scenarios} | ${r.failed} | ${f(r.wall / 1000, 1)} | ${f(r.appWall / 1000)} | ${f(r.wall / r.appWall)} | ${f((r.wall - r.appWall) / r.scenarios, 0)} | ${f(r.cpu / 1000)} | ${f((100 * r.cpu) / r.wall / r.devices)} | ${f(r.rss / r.devices / 1e6, 1)} | ${f(r.adbCpu)} | ${f((100 * r.adbCpu * 1000) / r.wall, 1)} | ${f(r.setup / 1000)} | ${f(r.tail / 1000)} |`);
}
