import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
const cache = mkdtempSync(join(tmpdir(), 'rio-hash-'));
process.env.RIO_FARM_CACHE = cache;
const { buildSuite } = await import('../generator/index.ts');
const out: Record<string, unknown> = {};
for (const suite of process.argv.slice(3)) {
  const t = performance.now(); const cpu0 = process.cpuUsage();
  const built = await buildSuite(suite);
  const cpu = process.cpuUsage(cpu0);
  const frames = built.scenarios.reduce((n, s) => n + s.frames.length, 0);
  console.error(suite, frames, 'frames', ((performance.now() - t) / 1000).toFixed(1), 's', ((cpu.user + cpu.system) / 1000 / frames).toFixed(0), 'ms CPU/frame (main thread only)');
  const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  out[suite] = Object.fromEntries(built.scenarios.map((s) => [s.id, { truth: sha(s.truthPath), frames: s.frames.map((f) => sha(f.path)) }]));
}
writeFileSync(process.argv[2]!, JSON.stringify(out));
rmSync(cache, { recursive: true, force: true });
