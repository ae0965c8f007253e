/**
 * `npm run bench:harness`: what the harness itself costs, on vdevices in child processes (so their
 * work is not counted as the harness's). For smoke and nightly on 1 and 3 vdevices, a cold run
 * (fresh devices: install + push) and a warm run (same devices again):
 *  - overhead ratio = run wall time / the app's own per-frame time (Σ t_total per device, mean over
 *    devices); also wall / Σ app wall_ms from results.json (the app's timed frame loop, replay pacing
 *    included; model load and warm-up excluded), and where each attempt's remaining time went;
 *  - harness process CPU time per device as a share of wall time;
 *  - push throughput of the harness (adbkit, content-addressed) vs `adb push` of the same files.
 * Prints tables; no assertions (benchmarks never pass or fail on timings).
 * Env: RIO_BENCH_SUITES=smoke,nightly  RIO_BENCH_DEVICES=1,3
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite } from '../../scenarios/generator/index.ts';
import { ensureAdbServer, killAdbServer, runAdb, adbClient } from '../src/devices/index.ts';
import { startLocalVdevices } from '../src/run/local-vdevices.ts';
import { runSuite } from '../src/run/run-suite.ts';
import { quietProgress } from '../src/run/run-test-support.ts';
import { DEFAULT_RUN_OPTIONS } from '../src/run/run-options.ts';
import { openStore } from '../src/store/index.ts';
import { AdbDevice } from '../src/devices/adb-device.ts';
import { pushFrames } from '../src/install/frame-push.ts';
import { FRAMES_DIR } from '../../android-demo/contract/app-identity.ts';

const SUITES = (process.env.RIO_BENCH_SUITES ?? 'smoke,nightly').split(',');
const DEVICES = (process.env.RIO_BENCH_DEVICES ?? '1,3').split(',').map(Number);

interface Row { suite: string; devices: number; mode: string; frames: number; scenarios: number; wall: number; appFrames: number; appWall: number; attempts: number; cpu: number; setup: number; tail: number }

async function measure(suite: string, n: number, adbPort: number, serials: string[], db: string, dir: string, mode: string): Promise<Row> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const epoch0 = Date.now();
  const r = await runSuite({ ...DEFAULT_RUN_OPTIONS, suite, devices: serials, db, out: join(dir, mode + n + suite) }, { progress: quietProgress() });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const store = await openStore(db);
  try {
    const m = await store.measurements(r.runId);
    const attempts = (await store.attempts(r.runId)).filter((a) => a.outcome === 'ok');
    const perDevice = (f: (serial: string) => number) => serials.reduce((s, x) => s + f(x), 0) / serials.length;
    const appFrames = perDevice((s) => m.filter((x) => x.serial === s).reduce((t, x) => t + (x.t_total ?? 0), 0));
    const appWall = perDevice((s) => attempts.filter((a) => a.serial === s).reduce((t, a) => {
      const p = a.results_path ? join(r.outDir, a.results_path) : '';
      return t + (p && existsSync(p) ? Number(JSON.parse(readFileSync(p, 'utf8')).wall_ms ?? 0) : 0);
    }, 0));
    const attemptWall = perDevice((s) => attempts.filter((a) => a.serial === s).reduce((t, a) => t + (a.wall_ms ?? 0), 0));
    void adbPort;
    // Where each attempt's time went (replay timings.json), averaged over attempts.
    const steps: Record<string, number> = {};
    for (const a of attempts) {
      const dir = a.evidence_dir ? join(r.outDir, a.evidence_dir) : '';
      if (!dir || !existsSync(join(dir, 'timings.json'))) continue;
      const t = JSON.parse(readFileSync(join(dir, 'timings.json'), 'utf8')) as Record<string, number>;
      const appWall = Number(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).wall_ms ?? 0);
      t.appStartAndWarmup = t.appRun! - appWall;
      for (const [k, v] of Object.entries(t)) steps[k] = (steps[k] ?? 0) + v / attempts.length;
    }
    breakdown.push({ label: `${suite} ${n} ${mode}`, steps });
    // the run's own start (lease, fingerprint, health, install check, pushes, first am start) and end
    // (aggregates, report, JUnit, run.json), apart from what each scenario adds (as bench:scale)
    const setup = Math.min(...attempts.map((a) => Number(a.started_at))) - epoch0;
    const tail = epoch0 + wall - Math.max(...attempts.map((a) => Number(a.finished_at ?? 0)));
    return { suite, devices: n, mode, frames: m.length, scenarios: attempts.length / serials.length, wall, appFrames, appWall, attempts: attemptWall,
      cpu: (cpu.user + cpu.system) / 1000, setup, tail };
  } finally { await store.close(); }
}

async function pushBench(adbPort: number, serial: string, suite: string): Promise<{ files: number; mb: number; harness: number; cli: number }> {
  const built = await buildSuite(suite);
  const files = [...new Map(built.scenarios.flatMap((s) => s.frames).map((f) => [f.sha256, { sha256: f.sha256, path: f.path }])).values()];
  const adb = new AdbDevice(adbClient(adbPort), serial);
  await adb.shell(`rm -rf ${FRAMES_DIR}`);
  const h = await pushFrames(adb, files);
  const cliDir = '/sdcard/rio-bench-adb';
  await adb.shell(`rm -rf ${cliDir}; mkdir -p ${cliDir}`);
  const t0 = performance.now();
  const r = await runAdb(['-s', serial, 'push', ...files.map((f) => f.path), `${cliDir}/`], adbPort, 600_000);
  const cli = performance.now() - t0;
  if (r.code !== 0) throw new Error(`adb push failed: ${r.stderr}`);
  await adb.shell(`rm -rf ${cliDir}`);
  return { files: files.length, mb: h.bytes / 1e6, harness: h.bytes / 1e6 / (h.ms / 1000), cli: h.bytes / 1e6 / (cli / 1000) };
}

const rows: Row[] = [];
const breakdown: { label: string; steps: Record<string, number> }[] = [];
const pushes: { suite: string; files: number; mb: number; harness: number; cli: number }[] = [];
for (const suite of SUITES) {
  await buildSuite(suite); // render once outside the timings
  for (const n of DEVICES) {
    const dir = mkdtempSync(join(tmpdir(), 'rio-bench-'));
    const adbPort = await ensureAdbServer(0);
    process.env.ANDROID_ADB_SERVER_PORT = String(adbPort);
    const local = await startLocalVdevices({ count: n, adbPort });
    try {
      const db = `sqlite:${join(dir, 'bench.db')}`;
      rows.push(await measure(suite, n, adbPort, local.serials, db, dir, 'cold'));
      rows.push(await measure(suite, n, adbPort, local.serials, db, dir, 'warm'));
      if (n === 1) pushes.push({ suite, ...await pushBench(adbPort, local.serials[0]!, suite) });
    } finally {
      await local.stop();
      await killAdbServer(adbPort);
      rmSync(dir, { recursive: true, force: true });
    }
    process.stderr.write(`done: ${suite} on ${n}\n`);
  }
}

const f = (v: number, d = 2) => v.toFixed(d);
console.log('\nrio-farm harness benchmark (vdevices in child processes, 2 shared cores)\n');
console.log('| suite | devices | run | frames | wall s | Σ t_total/device s | overhead wall/Σt_total | Σ app wall/device s | wall/Σ app wall | ms/scenario outside the app timed loop | run start → first attempt s | last attempt → run end s | ms/scenario between the first and last attempt | harness CPU s | CPU per device % of wall |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.suite} | ${r.devices} | ${r.mode} | ${r.frames} | ${f(r.wall / 1000, 1)} | ${f(r.appFrames / 1000)} | ${f(r.wall / r.appFrames)} | ${f(r.appWall / 1000)} | ${f(r.wall / r.appWall)} | ${f((r.wall - r.appWall) / r.scenarios, 0)} | ${f(r.setup / 1000)} | ${f(r.tail / 1000)} | ${f((r.wall - r.setup - r.tail - r.appWall) / r.scenarios, 0)} | ${f(r.cpu / 1000)} | ${f((100 * r.cpu) / r.wall / r.devices, 1)} |`);
}
const keys = ['manifest', 'amStart', 'appStartAndWarmup', 'pullResults', 'pullCrops', 'cleanup'];
console.log('\nPer attempt, ms (replay timings.json; appStartAndWarmup = logcat RIO_DONE wait − the app\'s own timed loop):');
console.log(`| run | ${keys.join(' | ')} |`);
console.log(`|---|${keys.map(() => '---').join('|')}|`);
for (const b of breakdown) console.log(`| ${b.label} | ${keys.map((k) => f(b.steps[k] ?? 0, 1)).join(' | ')} |`);
console.log('\n| suite | files | MB | harness push MB/s | adb push MB/s | ratio |');
console.log('|---|---|---|---|---|---|');
for (const p of pushes) console.log(`| ${p.suite} | ${p.files} | ${f(p.mb, 1)} | ${f(p.harness, 1)} | ${f(p.cli, 1)} | ${f(p.harness / p.cli)} |`);
