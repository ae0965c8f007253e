import { generateBenchStore } from './generate-store.ts';
const n = Number(process.env.RIO_BENCH_RUNS ?? 100);
const g = await generateBenchStore(`.rio-farm/bench/server-${n}x10x2000.db`, { runs: n, devices: 10, frames: 2000 }, (s) => console.error(new Date().toISOString(), s));
console.log(JSON.stringify(g));
