/**
 * `npm run bench:adb`: throughput and latency of the vdevice through the real adb server.
 * The vdevice runs in its own process (`rio-farm vdevice start`) so its CPU time can be read
 * from /proc and so it does not share an event loop with the adbkit client being measured.
 * Prints one table; goals: harness push (AdbDevice.pushMany: one pipelined sync session) ≥ 0.95×
 * `adb push` of the same files in the same run — one 50 MB file and a batch of frame-sized files —,
 * shell round trip median ≤ 5 ms. Plain adbkit push is kept beside them as the reference it replaced.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ensureAdbServer, killAdbServer, runAdb, adbClient, AdbDevice } from '../src/devices/index.ts';
import { cpuSeconds } from './proc-cpu.ts';

const SIZE = 50 * 1024 * 1024;
// Pushes of 0.1–0.3 s on a shared VM: 7 alternating repeats before the medians settle (3 swung the ratio 0.81–1.14).
const REPEATS = Number(process.env.RIO_BENCH_REPEATS ?? 7);
const SHELL_CALLS = 100;
/** A batch like a scenario's frames: 200 files of 256 KiB (a 1280×720 JPEG is 100–300 KB). */
const BATCH_FILES = 200;
const BATCH_FILE_SIZE = 256 * 1024;

const MB = SIZE / (1024 * 1024);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];


async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rio-bench-'));
  const adbPort = await ensureAdbServer(0);
  const cli = fileURLToPath(new URL('../bin/rio-farm.mjs', import.meta.url));
  const child = spawn(process.execPath, [cli, 'vdevice', 'start', '--count', '1', '--adb-port', String(adbPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const serial = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(l.split('\t')[0]));
      child.once('exit', (code) => reject(new Error(`vdevice exited with ${code}`)));
    });
    const file = join(dir, 'payload.bin');
    writeFileSync(file, randomBytes(SIZE));
    const batch = Array.from({ length: BATCH_FILES }, (_, i) => { const p = join(dir, `frame-${i}.jpg`); writeFileSync(p, randomBytes(BATCH_FILE_SIZE)); return p; });
    const batchMb = (BATCH_FILES * BATCH_FILE_SIZE) / (1024 * 1024);
    const device = adbClient(adbPort).getDevice(serial);
    const harness = new AdbDevice(adbClient(adbPort), serial);
    const adb = async (args: string[]) => {
      const r = await runAdb(['-s', serial, ...args], adbPort);
      if (r.code !== 0) throw new Error(`adb ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    };
    const rows: Array<[string, string]> = [];
    const cliPush: number[] = [], cliPull: number[] = [], kitPush: number[] = [], kitPull: number[] = [], harnessPush: number[] = [];
    const cliBatch: number[] = [], harnessBatch: number[] = [];
    let pushedBytes = 0;
    let pushCpu = 0;
    for (let i = 0; i < REPEATS; i++) {
      let cpu0 = cpuSeconds(child.pid!);
      cliPush.push(MB / (await timed(() => adb(['push', file, '/data/local/tmp/cli.bin']))));
      pushCpu += cpuSeconds(child.pid!) - cpu0;
      cliPull.push(MB / (await timed(() => adb(['pull', '/data/local/tmp/cli.bin', join(dir, 'back.bin')]))));
      cpu0 = cpuSeconds(child.pid!);
      kitPush.push(MB / (await timed(async () => {
        const t = await device.push(createReadStream(file), '/data/local/tmp/kit.bin');
        await new Promise((resolve, reject) => { t.on('end', resolve); t.on('error', reject); });
      })));
      pushCpu += cpuSeconds(child.pid!) - cpu0;
      harnessPush.push(MB / (await timed(() => harness.pushMany([{ from: file, to: '/data/local/tmp/harness.bin' }]))));
      pushedBytes += 2 * SIZE;
      // the same batch both ways, alternating which goes first so neither always meets a warm device
      const cliBatchRun = async () => { cliBatch.push(batchMb / (await timed(() => adb(['push', ...batch, `/sdcard/cli-batch${i}/`])))); };
      const harnessBatchRun = async () => { harnessBatch.push(batchMb / (await timed(() => harness.pushMany(batch.map((p, k) => ({ from: p, to: `/sdcard/h-batch${i}/frame-${k}.jpg` })))))); };
      await adb(['shell', `mkdir -p /sdcard/cli-batch${i}`]);
      if (i % 2 === 0) { await cliBatchRun(); await harnessBatchRun(); } else { await harnessBatchRun(); await cliBatchRun(); }
      await adb(['shell', `rm -rf /sdcard/cli-batch${i} /sdcard/h-batch${i}`]);
      kitPull.push(MB / (await timed(async () => {
        const s = await device.pull('/data/local/tmp/kit.bin');
        s.resume();
        await new Promise((resolve, reject) => { s.on('end', resolve); s.on('error', reject); });
      })));
    }
    const rtt: number[] = [];
    for (let i = 0; i < SHELL_CALLS; i++) {
      const t0 = performance.now();
      const s = await device.shell('echo x');
      await new Promise((resolve) => { s.on('end', resolve); s.resume(); });
      rtt.push(performance.now() - t0);
    }
    const f = (x: number) => x.toFixed(1);
    rows.push([`adb CLI push ${MB} MB (MB/s, median of ${REPEATS})`, f(median(cliPush))]);
    rows.push([`adbkit push ${MB} MB (MB/s)`, f(median(kitPush))]);
    rows.push(['adbkit / CLI push ratio', (median(kitPush) / median(cliPush)).toFixed(2)]);
    rows.push([`harness push (AdbDevice.pushMany) ${MB} MB (MB/s)`, f(median(harnessPush))]);
    rows.push(['harness / CLI push ratio, one file (goal ≥ 0.95)', (median(harnessPush) / median(cliPush)).toFixed(2)]);
    rows.push([`adb CLI push ${BATCH_FILES} × ${BATCH_FILE_SIZE / 1024} KiB files (MB/s)`, f(median(cliBatch))]);
    rows.push([`harness push ${BATCH_FILES} × ${BATCH_FILE_SIZE / 1024} KiB files, one sync session (MB/s)`, f(median(harnessBatch))]);
    rows.push(['harness / CLI push ratio, batch (goal ≥ 0.95)', (median(harnessBatch) / median(cliBatch)).toFixed(2)]);
    rows.push([`adb CLI pull ${MB} MB (MB/s)`, f(median(cliPull))]);
    rows.push([`adbkit pull ${MB} MB (MB/s)`, f(median(kitPull))]);
    rows.push([`adbkit shell round trip, ${SHELL_CALLS} sequential: median (ms, goal ≤ 5)`, median(rtt).toFixed(2)]);
    rows.push(['adbkit shell round trip p95 (ms)', pct(rtt, 95).toFixed(2)]);
    rows.push(['vdevice CPU s per 100 MB pushed', (pushCpu / (pushedBytes / (100 * 1024 * 1024))).toFixed(2)]);
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`${'measure'.padEnd(w)}  value\n${'-'.repeat(w)}  -----`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await killAdbServer(adbPort);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
