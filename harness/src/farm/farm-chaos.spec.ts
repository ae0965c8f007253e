/**
 * The farm with real hosts on one machine: a `rio-farm serve` process on PostgreSQL (SQLite without
 * RIO_TEST_PG), agents each in their own network namespace with their own adb server and vdevice,
 * reaching the server over a veth link. Leases are 6 s here (RIO_FARM_LEASE_MS) instead of 45 s,
 * and a link is cut for ~10 s instead of 2 minutes: the same mechanism, scaled to CI time.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/index.ts';
import { PG_URL, warnIfNoPostgres } from '../store/test-stores.ts';
import { freePort } from '../devices/index.ts';
import type { FarmJobAttemptRow, FarmJobRow } from '../store/index.ts';
import {
  ADMIN_TOKEN, issueToken, makeHostNs, netnsUnavailable, pollServer, startAgent, startFarmServer, stopAgent,
  type AgentProc, type FarmHostNs, type FarmServerProc,
} from './testing-farm.ts';

const SKIP = netnsUnavailable();
if (SKIP) process.stderr.write(`\n*** farm chaos tests SKIPPED: network namespaces cannot be made here: ${SKIP} ***\n\n`);
const LEASE_MS = 6000;
const MODEL = 'Google Pixel 7 Virtual';
const FOUR = ['daylight-wood', 'white-on-white', 'dim-dark-cloth', 'night-portrait'];

let db = '';
let dropDb = async () => {};
let server: FarmServerProc;
const spaces: FarmHostNs[] = [];
/** the live agent of each host, and the namespace it runs in */
const agents = new Map<string, AgentProc>();
const nsOf = new Map<string, FarmHostNs>();
const tokens = new Map<string, string>();

interface JobView { job: FarmJobRow; attempts: FarmJobAttemptRow[]; scenarios: { scenario_id: string; fence: number; run_id: string }[] }
const jobView = (id: string, ok: (v: JobView) => boolean, what: string, ms = 90_000) =>
  pollServer<JobView>(`${server.url()}/api/jobs/${id}`, ok, ms, `${id}: ${what}`);

async function submit(body: object): Promise<string[]> {
  const r = await fetch(`${server.url()}/api/jobs`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 201, await r.clone().text());
  return ((await r.json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id);
}

async function agentIn(ns: FarmHostNs, host: string, extra: { vdevicePort?: number } = {}): Promise<AgentProc> {
  if (!tokens.has(host)) tokens.set(host, await issueToken(db, host));
  const a = await startAgent({ ns, server: server.url(ns.serverSideIp), token: tokens.get(host)!, vdevices: 1, ...extra });
  agents.set(host, a);
  nsOf.set(host, ns);
  allAgents.push({ host, agent: a });
  await a.waitFor(/registered with/, 90_000);
  return a;
}

/** Every scenario of the job counted once, each in the run of the claim that did it, with that run's frames. */
async function assertCountedOnce(v: JobView, scenarios: string[]): Promise<void> {
  assert.deepEqual(v.scenarios.map((s) => s.scenario_id).sort(), [...scenarios].sort());
  const store = await openStore(db);
  try {
    for (const s of v.scenarios) {
      const rows = (await store.measurements(s.run_id)).filter((m) => m.scenario_id === s.scenario_id);
      assert.ok(rows.length > 0, `${s.scenario_id}: its frames are stored in run ${s.run_id}`);
      const items = (await store.workItems(s.run_id)).filter((w) => w.scenario_id === s.scenario_id);
      assert.ok(items.every((w) => w.status === 'done'));
    }
    // A retried claim ran only what was left: its run planned none of the scenarios counted for an earlier claim.
    const byFence = new Map<number, string[]>();
    for (const s of v.scenarios) byFence.set(Number(s.fence), [...(byFence.get(Number(s.fence)) ?? []), s.scenario_id]);
    for (const a of v.attempts.filter((x) => x.run_id && Number(x.fence) > 1)) {
      const planned = new Set((await store.workItems(a.run_id!)).map((w) => w.scenario_id));
      for (const [fence, done] of byFence) if (fence < Number(a.fence)) for (const d of done) assert.ok(!planned.has(d), `claim ${a.fence} re-ran ${d}`);
    }
  } finally { await store.close(); }
}

before(async () => {
  if (SKIP) return;
  warnIfNoPostgres();
  if (PG_URL) {
    const schema = `rio_farm_chaos_${randomBytes(4).toString('hex')}`;
    const u = new URL(PG_URL);
    u.searchParams.set('schema', schema);
    db = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try { await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await c.end(); }
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'rio-farm-chaos-'));
    db = `sqlite:${join(dir, 'rio-farm.db')}`;
    dropDb = async () => rmSync(dir, { recursive: true, force: true });
  }
  server = await startFarmServer(db, { RIO_FARM_LEASE_MS: String(LEASE_MS), RIO_FARM_HEARTBEAT_MS: '1000' });
  spaces.push(makeHostNs(1), makeHostNs(2));
  await Promise.all([agentIn(spaces[0]!, 'host-a'), agentIn(spaces[1]!, 'host-b')]);
});

const allAgents: { host: string; agent: AgentProc }[] = [];

after(async () => {
  if (SKIP) return;
  if (process.env.RIO_FARM_TEST_LOGS) {
    for (const { host, agent } of allAgents) process.stderr.write(`\n----- agent ${host}\n${agent.log()}`);
    process.stderr.write(`\n----- server\n${server?.proc.log()}\nstore: ${db}\n`);
  }
  for (const a of agents.values()) await stopAgent(a).catch(() => undefined);
  for (const ns of spaces) ns.remove();
  await server?.stop('SIGKILL').catch(() => undefined);
  if (!process.env.RIO_FARM_TEST_LOGS) await dropDb();
});

test('kill -9 of an agent mid-job: the job runs again on the other host within the lease, every scenario counted once', { skip: SKIP ?? false }, async () => {
  const [id] = await submit({ suite: 'smoke', devices: `model=${MODEL}`, scenarios: FOUR });
  const first = await jobView(id!, (v) => v.job.state === 'running' && v.scenarios.length >= 1, 'running with a scenario done');
  const victim = first.job.host!;
  const killedAt = Date.now();
  agents.get(victim)!.kill9();
  try {
    const moved = await jobView(id!, (v) => Number(v.job.fence) > Number(first.job.fence) && v.job.host !== null, 'claimed again', 60_000);
    assert.notEqual(moved.job.host, victim);
    assert.ok(Date.now() - killedAt < 60_000, 'back in the queue and claimed within 60 s');
    const done = await jobView(id!, (v) => v.job.state === 'done', 'done');
    assert.ok(done.attempts.some((a) => a.host === victim && a.outcome === 'lease_expired'));
    assert.ok(done.attempts.some((a) => a.host !== victim && a.outcome === done.job.outcome));
    await assertCountedOnce(done, FOUR);
  } finally {
    await agentIn(nsOf.get(victim)!, victim); // the killed host comes back for the next tests
  }
});

test('a cut link: the job moves on, the cut host is fenced when the link returns (no late upload counts), and it re-registers', { skip: SKIP ?? false }, async () => {
  const [id] = await submit({ suite: 'smoke', devices: `model=${MODEL}`, scenarios: FOUR });
  const first = await jobView(id!, (v) => v.job.state === 'running' && v.scenarios.length >= 1, 'running with a scenario done');
  const cutHost = first.job.host!;
  const ns = nsOf.get(cutHost)!;
  const agent = agents.get(cutHost)!;
  ns.cut();
  try {
    const moved = await jobView(id!, (v) => Number(v.job.fence) > Number(first.job.fence) && v.job.host !== null, 'claimed by the other host', 60_000);
    assert.notEqual(moved.job.host, cutHost);
    await sleep(4000); // the cut host keeps running its claim and cannot upload
  } finally { ns.restore(); }
  const restoredAt = Date.now();
  await agent.waitFor(new RegExp(`job ${id} \\(token ${first.job.fence}\\).*fenced`), 30_000);
  const done = await jobView(id!, (v) => v.job.state === 'done', 'done');
  assert.ok(done.attempts.some((a) => a.host === cutHost && a.outcome === 'lease_expired'));
  await assertCountedOnce(done, FOUR);
  await pollServer<{ hosts: { name: string; online: boolean; last_heartbeat: number }[] }>(`${server.url()}/api/hosts`,
    (v) => v.hosts.some((h) => h.name === cutHost && h.online && h.last_heartbeat > restoredAt), 30_000, `${cutHost} heartbeats again`);
});

test('a server restart mid-run: agents keep their claims and reconnect, nothing is lost', { skip: SKIP ?? false }, async () => {
  const [id] = await submit({ suite: 'smoke', devices: `model=${MODEL}`, scenarios: FOUR });
  const first = await jobView(id!, (v) => v.job.state === 'running' && v.scenarios.length >= 1, 'running with a scenario done');
  await server.stop('SIGKILL');
  await sleep(1500);
  await server.start();
  const done = await jobView(id!, (v) => v.job.state === 'done', 'done', 120_000);
  assert.equal(Number(done.job.fence), Number(first.job.fence), 'the claim survived the restart (its lease was extended, not reaped)');
  assert.equal(done.attempts.length, 1);
  await assertCountedOnce(done, FOUR);
});

test('two hosts seeing the same device serial: only one drives it at a time', { skip: SKIP ?? false }, async () => {
  for (const a of agents.values()) await stopAgent(a);
  agents.clear();
  const port = await freePort();
  spaces.push(makeHostNs(3), makeHostNs(4));
  await Promise.all([agentIn(spaces[2]!, 'host-c', { vdevicePort: port }), agentIn(spaces[3]!, 'host-d', { vdevicePort: port })]);
  const serial = `127.0.0.1:${port}`;
  const hosts = await pollServer<{ hosts: { name: string; devices: { serial: string; also_seen_by: string[] }[] }[] }>(`${server.url()}/api/hosts`,
    (v) => ['host-c', 'host-d'].every((h) => v.hosts.find((x) => x.name === h)?.devices.some((d) => d.serial === serial)), 30_000, 'both hosts report the serial');
  assert.deepEqual(hosts.hosts.find((h) => h.name === 'host-c')!.devices.find((d) => d.serial === serial)!.also_seen_by, ['host-d']);
  const ids = await submit({ suite: 'smoke', devices: `serial=${serial},${serial}`, scenarios: FOUR.slice(0, 1) });
  const views = await Promise.all(ids.map((id) => jobView(id, (v) => v.job.state === 'done', 'done', 120_000)));
  const spans = views.flatMap((v) => v.attempts).map((a) => [Number(a.claimed_at), Number(a.ended_at)] as const).sort((a, b) => a[0] - b[0]);
  assert.ok(spans.length >= 2);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `claim ${i} (${spans[i]![0]}) starts after claim ${i - 1} ends (${spans[i - 1]![1]})`);
});
