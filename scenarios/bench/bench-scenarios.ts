/**
 * `npm run bench:scenarios`: cold build rate of the nightly suite (1280×720) into an empty cache,
 * then the cached rebuild time. Goals on the 2-core farm host: cold ≥ 20 frames/s, cached ≤ 1 % of cold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, availableParallelism, loadavg } from 'node:os';
import { buildSuite } from '../generator/index.ts';
import { DEFAULT_WORKERS } from '../generator/render-pool.ts';
import { differencesFromRecorded } from '../generator/frame-hashes.ts';

const suite = process.argv[2] ?? 'nightly';
const cache = mkdtempSync(join(tmpdir(), 'rio-bench-scenarios-'));
process.env.RIO_FARM_CACHE = cache;
try {
  const load = loadavg()[0]!.toFixed(2);
  let t = performance.now();
  const cpu0 = process.cpuUsage();
  const cold = await buildSuite(suite);
  const coldS = (performance.now() - t) / 1000;
  // CPU time of all threads: on a shared host the wall clock depends on what else runs.
  const cpu = process.cpuUsage(cpu0), cpuS = (cpu.user + cpu.system) / 1e6;
  const frames = cold.scenarios.reduce((n, s) => n + s.frames.length, 0);
  const res = [...new Set(cold.scenarios.map((s) => s.resolution.join('×')))].join(', ');
  // A faster build is only faster if it builds the same bytes (fixtures/frame-hashes.json).
  const differences = differencesFromRecorded(cold);
  t = performance.now();
  await buildSuite(suite);
  const warmS = (performance.now() - t) / 1000;
  const rows: [string, string, string][] = [
    ['suite', suite, ''],
    ['scenarios / frames', `${cold.scenarios.length} / ${frames}`, res],
    ['workers × sharp threads', `${DEFAULT_WORKERS} × 1`, `${availableParallelism()} cores, load ${load} at start`],
    ['cold build', `${coldS.toFixed(1)} s`, ''],
    ['cold frames/s', (frames / coldS).toFixed(1), 'goal ≥ 20 (wall clock)'],
    ['CPU per frame', `${((cpuS / frames) * 1000).toFixed(0)} ms`, 'all threads'],
    ['frames/s on 2 idle cores', (2 / (cpuS / frames)).toFixed(1), 'projected: 2 cores ÷ CPU per frame'],
    ['cached rebuild', `${(warmS * 1000).toFixed(0)} ms`, ''],
    ['cached / cold', `${((warmS / coldS) * 100).toFixed(2)} %`, 'goal ≤ 1 %'],
    ['frames + truth = recorded', differences.length === 0 ? 'yes' : `NO (${differences.length})`, differences.slice(0, 3).join('; ')],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length)), w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`| ${'metric'.padEnd(w0)} | ${'value'.padEnd(w1)} | note |`);
  console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|------|`);
  for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c} |`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
