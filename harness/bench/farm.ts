/**
 * `npm run bench:farm`: the farm's own costs and delays, with a real `rio-farm serve` process
 * (PostgreSQL from RIO_BENCH_PG or RIO_TEST_PG, else SQLite) and real agents with vdevices:
 *  - server CPU per 1,000 heartbeats (the server process's utime+stime from /proc, 3 devices each);
 *  - dispatch latency submit → claim, p50/p95, with free devices (one job per device, several rounds);
 *  - device utilisation over a backlog run on AGENTS × VDEVICES (busy = a claim held, from the first
 *    claim to the last finish of that phase);
 *  - time for a dead agent's jobs to run again (kill -9 of an agent and its vdevices mid-job, default
 *    45 s leases, until another host claims each of its jobs).
 * Small jobs (RIO_BENCH_SCENARIOS smoke scenarios each) because 12 vdevices share 2 cores here.
 * Prints tables; no assertions. Env: RIO_BENCH_AGENTS=4 RIO_BENCH_VDEVICES=3 RIO_BENCH_ROUNDS=3.
 */
import { cpus, loadavg, release } from 'node:os';
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { quantile } from '../src/stats/descriptive.ts';
import { cpuSeconds } from './proc-cpu.ts';
import { textTable } from '../src/render/text-table.ts';
import type { FarmJobAttemptRow, FarmJobRow } from '../src/store/index.ts';
import { ADMIN_TOKEN, issueToken, startAgent, startFarmServer, stopAgent, type AgentProc } from '../src/farm/testing-farm.ts';

const AGENTS = Number(process.env.RIO_BENCH_AGENTS ?? 4);
const VDEVICES = Number(process.env.RIO_BENCH_VDEVICES ?? 3);
const ROUNDS = Number(process.env.RIO_BENCH_ROUNDS ?? 3);
const SCENARIOS = (process.env.RIO_BENCH_SCENARIOS ?? 'daylight-wood,white-on-white').split(',');
const HEARTBEATS = 1000;
const PG_BASE = process.env.RIO_BENCH_PG ?? process.env.RIO_TEST_PG;

const descendants = (pid: number): number[] => {
  const rows = execSync('ps -eo pid=,ppid=', { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => { for (const [c, pp] of rows) if (pp === p) { out.push(c!); walk(c!); } };
  walk(pid);
  return out;
};

async function main(): Promise<void> {
  let db: string;
  let drop = async () => {};
  if (PG_BASE) {
    const schema = `rio_bench_farm_${randomBytes(4).toString('hex')}`;
    const u = new URL(PG_BASE); u.searchParams.set('schema', schema); db = u.toString();
    drop = async () => { const c = new pg.Client({ connectionString: PG_BASE }); await c.connect(); try { await c.query(`DROP SCHEMA ${schema} CASCADE`); } finally { await c.end(); } };
  } else db = `sqlite:/tmp/rio-bench-farm-${process.pid}.db`;
  const server = await startFarmServer(db, {}); // default timing: 15 s heartbeats, 45 s leases
  const agents: AgentProc[] = [];
  const base = server.url();
  const api = async <T>(path: string, body?: unknown, token = ADMIN_TOKEN): Promise<T> => {
    const r = await fetch(base + path, body === undefined ? {} : { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return await r.json() as T;
  };
  const jobs = async (ids: string[]) => (await api<{ jobs: FarmJobRow[] }>('/api/jobs')).jobs.filter((j) => ids.includes(j.id));
  const attempts = async (id: string) => (await api<{ attempts: FarmJobAttemptRow[] }>(`/api/jobs/${id}`)).attempts;
  const until = async (ok: () => Promise<boolean>, ms: number, what: string) => {
    const end = Date.now() + ms;
    while (!await ok()) { if (Date.now() > end) throw new Error(`timed out: ${what}`); await sleep(100); }
  };
  const rows: string[][] = [];
  try {
    process.stderr.write(`server ${base} on ${db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}\n`);
    // ── server CPU per 1,000 heartbeats ─────────────────────────────────────────────────────────
    const hb = await issueToken(db, 'bench-heartbeats');
    const devices = Array.from({ length: VDEVICES }, (_, i) => ({ serial: `bench-${i}`, model: 'Bench', virtual: true }));
    await api('/api/agent/heartbeat', { devices, held: [] }, hb);
    const cpu0 = cpuSeconds(server.proc.child.pid!);
    const t0 = performance.now();
    for (let i = 0; i < HEARTBEATS; i += 10) {
      await Promise.all(Array.from({ length: 10 }, () => api('/api/agent/heartbeat', { devices, held: [] }, hb)));
    }
    const hbWall = (performance.now() - t0) / 1000;
    const hbCpu = cpuSeconds(server.proc.child.pid!) - cpu0;
    rows.push(['server CPU per 1,000 heartbeats', `${hbCpu.toFixed(2)} s CPU (${hbWall.toFixed(1)} s wall, 10 concurrent, ${VDEVICES} devices each)`, '—']);

    // ── agents ───────────────────────────────────────────────────────────────────────────────────
    for (let i = 0; i < AGENTS; i++) {
      const token = await issueToken(db, `bench-host-${i}`);
      agents.push(await startAgent({ server: base, token, vdevices: VDEVICES, profile: 'pixel-7-virtual' }));
    }
    for (const a of agents) await a.waitFor(/registered with/, 180_000);
    const serials = async () => (await api<{ hosts: { name: string; devices: { serial: string }[] }[] }>('/api/hosts')).hosts
      .filter((h) => h.name.startsWith('bench-host-')).flatMap((h) => h.devices.map((d) => d.serial));
    await until(async () => (await serials()).length === AGENTS * VDEVICES, 60_000, 'every vdevice registered');
    const farmSerials = await serials(); // not `all`: the heartbeat host's made-up devices are registered too
    const submitAll = async (n = 1) => {
      const ids: string[] = [];
      for (let k = 0; k < n; k++) ids.push(...(await api<{ jobs: { id: string }[] }>('/api/jobs', { suite: 'smoke', devices: `serial=${farmSerials.join(',')}`, scenarios: SCENARIOS })).jobs.map((j) => j.id));
      return ids;
    };
    let lastNote = 0;
  const allDone = (ids: string[]) => until(async () => {
    const js = await jobs(ids);
    if (Date.now() - lastNote > 15_000) {
      lastNote = Date.now();
      const by = new Map<string, number>();
      for (const j of js) by.set(j.state, (by.get(j.state) ?? 0) + 1);
      process.stderr.write(`${new Date().toISOString()} jobs: ${[...by].map(([k, v]) => `${v} ${k}`).join(', ')}\n`);
    }
    return js.every((j) => j.state === 'done' || j.state === 'dead');
  }, 900_000, 'jobs done');
    // warm-up: every vdevice gets the APK and frames once, so the figures below are the farm's, not first installs
    const warm = await submitAll();
    await allDone(warm);

    // ── dispatch latency with free devices ───────────────────────────────────────────────────────
    const latencies: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const ids = await submitAll();
      await allDone(ids);
      for (const id of ids) {
        const first = (await attempts(id)).reduce((m, a) => Math.min(m, Number(a.claimed_at)), Infinity);
        const job = (await jobs([id]))[0]!;
        latencies.push((first - Number(job.submitted_at)) / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    rows.push(['dispatch latency submit → claim, p50 / p95', `${quantile(latencies, 0.5).toFixed(3)} / ${quantile(latencies, 0.95).toFixed(3)} s (n=${latencies.length}, agents poll every 200 ms)`, 'p95 < 2 s']);

    // ── utilisation over a backlog ───────────────────────────────────────────────────────────────
    const backlog = await submitAll(3);
    await allDone(backlog);
    const spans = (await Promise.all(backlog.map(attempts))).flat().filter((a) => a.ended_at !== null);
    const start = Math.min(...spans.map((a) => Number(a.claimed_at)));
    const end = Math.max(...spans.map((a) => Number(a.ended_at)));
    const busy = spans.reduce((s, a) => s + Number(a.ended_at) - Number(a.claimed_at), 0);
    const util = busy / ((end - start) * AGENTS * VDEVICES);
    rows.push([`device utilisation, ${AGENTS} agents × ${VDEVICES} vdevices, ${backlog.length} jobs`, `${(100 * util).toFixed(1)} % of device time with a claim held (${((end - start) / 1000).toFixed(1)} s)`, '≥ 85 %']);

    // ── a dead agent's jobs ──────────────────────────────────────────────────────────────────────
    const longer = await api<{ jobs: { id: string }[] }>('/api/jobs', { suite: 'smoke', devices: 'model=Google Pixel 7 Virtual', scenarios: ['daylight-wood', 'white-on-white', 'dim-dark-cloth', 'night-portrait', 'glare-glossy', 'shadow-finger'] });
    const ids = longer.jobs.map((j) => j.id);
    // one model job only: wait until it is running, then kill its agent with its vdevices
    await until(async () => (await jobs(ids)).every((j) => j.state === 'running'), 60_000, 'the model job running');
    const holder = (await jobs(ids))[0]!.host!;
    const victim = agents[Number(holder.replace('bench-host-', ''))]!;
    const killedAt = Date.now();
    for (const p of [victim.child.pid!, ...descendants(victim.child.pid!)]) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    await until(async () => (await jobs(ids)).every((j) => j.state !== 'queued' && j.host !== holder), 180_000, 'the dead agent\'s job claimed again');
    const again = (await attempts(ids[0]!)).find((a) => a.host !== holder)!;
    rows.push(['a dead agent\'s jobs running again (kill -9, 45 s lease)', `${((Number(again.claimed_at) - killedAt) / 1000).toFixed(1)} s after the kill`, '< 60 s']);
    await allDone(ids);

    const commit = (() => { try { return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim(); } catch { return '?'; } })();
    process.stdout.write(`\nbench:farm — ${new Date().toISOString()}, commit ${commit}, Node ${process.version}, Linux ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, store ${db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}, vdevices (virtual; never mixed with phone figures)\n`);
    process.stdout.write(textTable(['figure', 'measured', 'goal'], rows) + '\n');
  } catch (err) {
    for (const [i, a] of agents.entries()) process.stderr.write(`\n----- agent bench-host-${i}\n${a.log().slice(-3000)}`);
    throw err;
  } finally {
    for (const a of agents) {
      for (const p of descendants(a.child.pid!)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
      await stopAgent(a).catch(() => undefined);
    }
    await server.stop();
    await drop();
  }
}

await main();
