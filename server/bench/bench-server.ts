/**
 * `npm run bench:server`: the dashboards' API on a generated store of R runs × D devices × F frames
 * (default 1,000 × 10 × 2,000 = 20 M frame rows, SQLite). Prints p50/p95 per dashboard call, the
 * ingest rate of POST /api/runs, and /api/home throughput at concurrency 16. The server runs as
 * `rio-farm serve` in its own process, so the load generator does not share its event loop.
 * Shape: RIO_BENCH_RUNS, RIO_BENCH_DEVICES, RIO_BENCH_FRAMES; RIO_BENCH_REQUESTS calls per row.
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openStore } from '../../harness/src/store/index.ts';
import { readFileSync } from 'node:fs';
import { exportRun, RunExportSchema, type RunExport } from '../../harness/src/store/run-export.ts';
import { finishImport, writeRunFrames } from '../../harness/src/store/run-import.ts';
import { summarizeForCompare, summarizeRun } from '../src/queries/run-summary.ts';
import { checkSchema } from '../../harness/src/schema-check.ts';
import { cpuSeconds, startServe } from './serve-process.ts';
import { quantileSorted } from '../../harness/src/stats/descriptive.ts';
import { benchDevices, benchStoreExists, generateBenchStore, type BenchShape } from './generate-store.ts';

const shape: BenchShape = {
  runs: Number(process.env.RIO_BENCH_RUNS ?? 1000),
  devices: Number(process.env.RIO_BENCH_DEVICES ?? 10),
  frames: Number(process.env.RIO_BENCH_FRAMES ?? 2000),
};
const REQUESTS = Number(process.env.RIO_BENCH_REQUESTS ?? 200);
const INGESTS = 5;
const TOKEN = 'bench-token';
const STORE = join('.rio-farm', 'bench', `server-${shape.runs}x${shape.devices}x${shape.frames}.db`);
const log = (s: string) => process.stderr.write(`${s}\n`);


/** The ingest route's steps one by one, in this process, into the generated store (then removed): wall and CPU ms, p50 of 3. */
async function ingestBreakdown(exported: string, sourceId: string): Promise<Record<string, { wall: number; cpu: number }>> {
  const store = await openStore(`sqlite:${STORE}`);
  const steps: Record<string, { wall: number[]; cpu: number[] }> = {};
  async function timed<T>(step: string, fn: () => T | Promise<T>): Promise<T> {
    const t = performance.now(), c = process.cpuUsage();
    const out = await fn();
    const cpu = process.cpuUsage(c);
    const s = steps[step] ??= { wall: [], cpu: [] };
    s.wall.push(performance.now() - t);
    s.cpu.push((cpu.user + cpu.system) / 1000);
    return out;
  }
  try {
    for (let i = 0; i < 3; i++) {
      const body = exported.replaceAll(sourceId, `ingest-breakdown-${i}`);
      const exp = await timed('JSON.parse', () => JSON.parse(body) as RunExport);
      await timed('schema validation (checkSchema)', () => checkSchema(RunExportSchema, exp, { root: 'body', what: 'invalid' }));
      await timed('store everything sent (writeRunFrames), then answer', () => writeRunFrames(store, exp));
      const frames = await timed('after the answer: read back, aggregates, final status (finishImport)', () => finishImport(store, exp.run.id));
      await timed('after the answer: dashboard rows (summarizeRun)', () => summarizeRun(store, exp.run.id, frames, { compare: false }));
      await timed('after the answer: compare summary', () => summarizeForCompare(store, exp.run.id, frames));
    }
  } finally { await store.close(); }
  const p50 = (v: number[]) => quantileSorted(v.sort((a, b) => a - b), 0.5);
  return Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, { wall: p50(v.wall), cpu: p50(v.cpu) }]));
}

const pick = <T>(xs: readonly T[], i: number) => xs[(i * 7919) % xs.length]!;

async function timeCalls(base: string, urlFor: (i: number) => string): Promise<{ p50: number; p95: number; bytes: number }> {
  for (let i = 0; i < 5; i++) await (await fetch(base + urlFor(i))).arrayBuffer(); // warm-up
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    const res = await fetch(base + urlFor(i));
    const body = await res.arrayBuffer();
    ms.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${urlFor(i)} → ${res.status}`);
    bytes += body.byteLength;
  }
  ms.sort((a, b) => a - b);
  return { p50: quantileSorted(ms, 0.5), p95: quantileSorted(ms, 0.95), bytes: bytes / REQUESTS };
}

async function main(): Promise<void> {
  log(`bench:server — store ${STORE} (${shape.runs} runs × ${shape.devices} devices × ${shape.frames} frames)`);
  if (!benchStoreExists(STORE)) {
    const g = await generateBenchStore(STORE, shape, log);
    log(`generated ${g.rows.toLocaleString('en')} frame rows in ${g.insertSeconds.toFixed(0)} s (${Math.round(g.rows / g.insertSeconds).toLocaleString('en')} rows/s), ` +
      `dashboard pre-aggregates in ${g.summarySeconds.toFixed(0)} s, ${(g.bytes / 1e9).toFixed(1)} GB`);
  } else log('reusing the generated store (delete it to regenerate)');

  const store = await openStore(`sqlite:${STORE}`);
  const runIds = (await store.db.all<{ id: string }>("SELECT id FROM runs WHERE id NOT LIKE 'ingest-%' ORDER BY started_at")).map((r) => r.id);
  const serials = benchDevices(shape.devices).map((d) => d.serial);
  const exported = JSON.stringify(await exportRun(store, runIds.at(-1)!));
  await store.close();

  const { base, child } = await startServe(STORE, { RIO_FARM_TOKEN: TOKEN });
  try {
    const enc = encodeURIComponent;
    const calls: [string, (i: number) => string][] = [
      ['GET /api/home (latest nightly per device)', () => '/api/home'],
      ['GET /api/runs?limit=50', () => '/api/runs?limit=50'],
      ['GET /api/runs?device&app_version', (i) => `/api/runs?device=${enc(pick(serials, i))}&app_version=1.5.0&limit=50`],
      ['GET /api/runs/:id (run detail)', (i) => `/api/runs/${pick(runIds, i)}`],
      ['GET /api/runs/:id/frames?sort=iou&limit=100', (i) => `/api/runs/${pick(runIds, i)}/frames?sort=iou&limit=100`],
      ['GET /api/runs/:id/frames?device&lighting', (i) => `/api/runs/${pick(runIds, i)}/frames?device=${enc(pick(serials, i))}&lighting=dim&limit=100`],
      ['GET /api/devices', () => '/api/devices'],
      ['GET /api/series (100 runs)', (i) => `/api/series?device=${enc(pick(serials, i))}&metric=${i % 2 ? 'latency_p50' : 'iou_mean'}&limit=100`],
      ['GET /api/compare?a&b', (i) => `/api/compare?a=${pick(runIds, i)}&b=${pick(runIds, i + 1)}`],
      ['GET / (home page HTML)', () => '/'],
      ['GET /runs/:id (run page HTML)', (i) => `/runs/${pick(runIds, i)}`],
      ['GET /devices/:serial (device page HTML)', (i) => `/devices/${enc(pick(serials, i))}`],
    ];
    const rows: string[] = [];
    for (const [name, urlFor] of calls) {
      const r = await timeCalls(base, urlFor);
      rows.push(`| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p95 <= 50 ? 'yes' : 'NO'} | ${(r.bytes / 1024).toFixed(1)} |`);
      log(rows.at(-1)!);
    }

    // Ingest: the latest run's export re-posted under new ids (another farm host's run). The server
    // answers once the frames are stored and finishes the run after (aggregates, dashboard rows,
    // compare summary): timed to the answer, and to the server's CPU going quiet (the run finished).
    const frameRows = JSON.parse(exported).measurements.length as number;
    let n = 0;
    const upload = async () => {
      const id = `ingest-${Date.now()}-${n++}`;
      const res = await fetch(`${base}/api/runs`, { method: 'POST', body: exported.replaceAll(runIds.at(-1)!, id),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`ingest → ${res.status}`);
    };
    /** Waits until the server has used no CPU for half a second (/proc ticks are 10 ms). */
    const quiet = async () => {
      for (let last = -1, still = 0; still < 3;) {
        await new Promise((r) => setTimeout(r, 200));
        const now = cpuSeconds(child.pid!);
        still = now === last ? still + 1 : 0;
        last = now;
      }
    };
    await quiet();
    const one = { answerMs: [] as number[], answerCpu: [] as number[], doneMs: [] as number[], doneCpu: [] as number[] };
    for (let i = 0; i < INGESTS; i++) {
      const t = performance.now(), c = cpuSeconds(child.pid!);
      await upload();
      one.answerMs.push(performance.now() - t); one.answerCpu.push((cpuSeconds(child.pid!) - c) * 1000);
      await quiet();
      one.doneMs.push(performance.now() - t - 600); one.doneCpu.push((cpuSeconds(child.pid!) - c) * 1000); // minus the quiet half second and its last poll
    }
    const b2b = performance.now(), b2bCpu = cpuSeconds(child.pid!);
    const b2bAnswers: number[] = [];
    for (let i = 0; i < INGESTS; i++) { const t = performance.now(); await upload(); b2bAnswers.push(performance.now() - t); }
    await quiet();
    const b2bMs = performance.now() - b2b - 600, b2bCpuS = cpuSeconds(child.pid!) - b2bCpu;
    const p50 = (v: number[]) => quantileSorted([...v].sort((a, b) => a - b), 0.5);
    const breakdown = await ingestBreakdown(exported, runIds.at(-1)!);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

    const ac = await autocannon({ url: `${base}/api/home`, connections: 16, duration: 10 });

    console.log(`\n## bench:server — ${shape.runs} runs × ${shape.devices} devices × ${shape.frames} frames (${(shape.runs * shape.devices * shape.frames).toLocaleString('en')} frame rows, SQLite), ${REQUESTS} sequential calls per row\n`);
    console.log('| dashboard call | p50 ms | p95 ms | p95 ≤ 50 ms | KiB |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(`\n| ingest (POST /api/runs, ${frameRows.toLocaleString('en')} frame rows, ${(exported.length / 1e6).toFixed(1)} MB JSON) | wall | server CPU | goal |`);
    console.log('|---|---|---|---|');
    console.log(`| one upload at a time (${INGESTS}), p50: answered (validated; frames, samples, events and what the finish needs stored) | ${p50(one.answerMs).toFixed(0)} ms | ${p50(one.answerCpu).toFixed(0)} ms | |`);
    console.log(`| frame rows/s to the answer (p50) | ${Math.round(frameRows / (p50(one.answerMs) / 1000)).toLocaleString('en')} | ${Math.round(frameRows / (p50(one.answerCpu) / 1000)).toLocaleString('en')} per CPU-s | ≥ 50,000 |`);
    console.log(`| one upload at a time, p50: finished (aggregates, status, dashboard rows, compare summary) | ${p50(one.doneMs).toFixed(0)} ms | ${p50(one.doneCpu).toFixed(0)} ms | |`);
    console.log(`| ${INGESTS} uploads back to back: answers p50 / max | ${p50(b2bAnswers).toFixed(0)} / ${Math.max(...b2bAnswers).toFixed(0)} ms | | |`);
    console.log(`| ${INGESTS} uploads back to back: frame rows/s until all finished | ${Math.round(frameRows * INGESTS / (b2bMs / 1000)).toLocaleString('en')} | ${Math.round(frameRows * INGESTS / b2bCpuS).toLocaleString('en')} per CPU-s | |`);
    console.log(`\n| ingest step (in-process, p50 of 3) | wall ms | CPU ms |`);
    console.log('|---|---|---|');
    for (const [k, v] of Object.entries(breakdown)) console.log(`| ${k} | ${v.wall.toFixed(0)} | ${v.cpu.toFixed(0)} |`);
    console.log(`\nmachine load average during the run: ${load} (2 cores, shared)`);
    console.log(`\n| /api/home at concurrency 16, 10 s (autocannon) | value |`);
    console.log('|---|---|');
    console.log(`| requests/s (mean) | ${ac.requests.average.toFixed(0)} |`);
    console.log(`| latency p50 / p97.5 / p99 ms | ${ac.latency.p50} / ${ac.latency.p97_5} / ${ac.latency.p99} |`);
    console.log(`| errors / non-2xx | ${ac.errors} / ${ac.non2xx} |`);
  } finally {
    child.kill('SIGTERM');
    const cleanup = await openStore(`sqlite:${STORE}`);
    // Leave the generated store as generated: drop the ingested runs again.
    for (const table of ['measurements', 'attempts', 'work_items', 'run_devices', 'aggregates', 'device_samples', 'device_events', 'run_labels', 'dash_run_device', 'dash_runs_done', 'compare_summaries']) {
      await cleanup.db.run(`DELETE FROM ${table} WHERE run_id LIKE 'ingest-%'`);
    }
    await cleanup.db.run("DELETE FROM runs WHERE id LIKE 'ingest-%'");
    await cleanup.close();
  }
}

await main();
