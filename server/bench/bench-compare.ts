/**
 * `npm run bench:compare`: GET /api/compare on the generated bench store
 * (the one bench:server builds; RIO_BENCH_RUNS/DEVICES/FRAMES pick it). Times N distinct pairs of
 * finished runs once (nothing cached), then the same pairs again (a repeated look at a comparison).
 * RIO_BENCH_PAIRS sets N (default 15). Runs `rio-farm serve` in its own process and pings
 * /api/health meanwhile (a first comparison is seconds of CPU; other requests must still get through).
 */
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { openStore } from '../../harness/src/store/index.ts';
import { cpuSeconds, startServe } from './serve-process.ts';
import { quantileSorted } from '../../harness/src/stats/descriptive.ts';
import { benchStoreExists } from './generate-store.ts';

const shape = `${process.env.RIO_BENCH_RUNS ?? 1000}x${process.env.RIO_BENCH_DEVICES ?? 10}x${process.env.RIO_BENCH_FRAMES ?? 2000}`;
const STORE = join('.rio-farm', 'bench', `server-${shape}.db`);
const PAIRS = Number(process.env.RIO_BENCH_PAIRS ?? 15);


async function timeAll(base: string, pairs: [string, string][]): Promise<{ p50: number; p95: number; max: number; kib: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (const [a, b] of pairs) {
    const t = performance.now();
    const res = await fetch(`${base}/api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    const body = await res.arrayBuffer();
    ms.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`compare ${a} ${b} → ${res.status}`);
    bytes += body.byteLength;
  }
  ms.sort((x, y) => x - y);
  return { p50: quantileSorted(ms, 0.5), p95: quantileSorted(ms, 0.95), max: ms.at(-1)!, kib: bytes / pairs.length / 1024 };
}

if (!benchStoreExists(STORE)) throw new Error(`no bench store at ${STORE}: run npm run bench:server first`);
const store = await openStore(`sqlite:${STORE}`);
const ids = (await store.db.all<{ id: string }>("SELECT id FROM runs WHERE id NOT LIKE 'ingest-%' AND finished_at IS NOT NULL ORDER BY started_at")).map((r) => r.id);
await store.close();
const pairs = Array.from({ length: PAIRS }, (_, i): [string, string] => [ids[(i * 7919) % ids.length]!, ids[(i * 7919 + 1) % ids.length]!]);
const { base, child } = await startServe(STORE);
try {
  await (await fetch(`${base}/api/compare?a=${ids[0]}&b=${ids[1]}`)).arrayBuffer(); // warm-up (JIT, page cache)
  // Meanwhile another dashboard user: /api/health every 50 ms, to show what a first comparison does to everyone else.
  const health: number[] = [];
  let comparing = true;
  const pinger = (async () => {
    while (comparing) {
      const t = performance.now();
      await (await fetch(`${base}/api/health`)).arrayBuffer();
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  // Server CPU per comparison: on a shared host the wall clock is mostly other people's work.
  let cpu = cpuSeconds(child.pid!);
  const first = await timeAll(base, pairs);
  comparing = false;
  await pinger;
  const firstCpu = (cpuSeconds(child.pid!) - cpu) / pairs.length * 1000;
  health.sort((x, y) => x - y);
  cpu = cpuSeconds(child.pid!);
  const again = await timeAll(base, pairs);
  const againCpu = (cpuSeconds(child.pid!) - cpu) / pairs.length * 1000;
  console.log(`\n## GET /api/compare on ${STORE}, ${PAIRS} distinct pairs of finished runs\n`);
  console.log('| pass | p50 ms | p95 ms | max ms | server CPU ms per call (mean) | KiB |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| first look at each pair | ${first.p50.toFixed(1)} | ${first.p95.toFixed(1)} | ${first.max.toFixed(1)} | ${firstCpu.toFixed(0)} | ${first.kib.toFixed(1)} |`);
  console.log(`| same pairs again | ${again.p50.toFixed(1)} | ${again.p95.toFixed(1)} | ${again.max.toFixed(1)} | ${againCpu.toFixed(0)} | ${again.kib.toFixed(1)} |`);
  console.log(`\nmachine load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${availableParallelism()} cores, shared); goal: first look p95 ≤ 200 ms`);
  console.log(`\nGET /api/health during the first pass (${health.length} calls): p50 ${quantileSorted(health, 0.5).toFixed(1)} ms, max ${health.at(-1)!.toFixed(1)} ms`);
} finally {
  child.kill('SIGTERM');
}
