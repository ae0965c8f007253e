/**
 * Test support for the farm: a real `rio-farm serve` process, farm hosts in their own network
 * namespaces (a veth pair each: the server is reachable only over that link, which a test can cut),
 * and real `rio-farm agent` processes in them with their own adb server and vdevices.
 * Everything started here is stopped by `cleanup()`; namespaces are removed even after a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../devices/index.ts';
import { openStore } from '../store/index.ts';
import { newHostToken, tokenHash } from './host-token.ts';

const CLI = fileURLToPath(new URL('../../bin/rio-farm.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const ADMIN_TOKEN = 'farm-test-admin-token';

const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });

/** Why network namespaces cannot be made here (not root, no `ip`), or null when they can. */
export function netnsUnavailable(): string | null {
  const name = `rfarm-probe-${process.pid}`;
  const r = ip('netns', 'add', name);
  if (r.error) return `\`ip\` is not installed (${r.error.message})`;
  if (r.status !== 0) return `\`ip netns add\` failed: ${r.stderr.trim()}`;
  ip('netns', 'del', name);
  return null;
}

export interface FarmHostNs { name: string; index: number; serverSideIp: string; agentIp: string; cut(): void; restore(): void; killAll(): void; remove(): void }

/** A namespace with a veth link to the host: 10.X.index.1 (host side) ↔ 10.X.index.2 (inside). */
export function makeHostNs(index: number): FarmHostNs {
  const tag = `${process.pid % 10000}-${index}`;
  const name = `rfarm-${tag}`;
  const hostIf = `rfh${tag}`;
  const nsIf = `rfa${tag}`;
  const net = `10.${200 + (process.pid % 50)}.${index}`;
  const must = (...args: string[]) => {
    const r = ip(...args);
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  must('netns', 'add', name);
  must('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
  must('link', 'set', nsIf, 'netns', name);
  must('addr', 'add', `${net}.1/24`, 'dev', hostIf);
  must('link', 'set', hostIf, 'up');
  must('netns', 'exec', name, 'ip', 'addr', 'add', `${net}.2/24`, 'dev', nsIf);
  must('netns', 'exec', name, 'ip', 'link', 'set', nsIf, 'up');
  must('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  const pids = () => ip('netns', 'pids', name).stdout.split('\n').map(Number).filter((n) => n > 0);
  return {
    name, index, serverSideIp: `${net}.1`, agentIp: `${net}.2`,
    cut: () => must('link', 'set', hostIf, 'down'),
    restore: () => must('link', 'set', hostIf, 'up'),
    killAll: () => { for (const p of pids()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } },
    remove: () => {
      for (const p of pids()) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
      ip('netns', 'del', name);
      ip('link', 'del', hostIf); // normally gone with the namespace
    },
  };
}

export interface Proc { child: ChildProcess; log(): string; waitFor(re: RegExp, ms: number): Promise<void>; exited: Promise<number | null> }

function startProc(cmd: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += String(d); });
  child.stderr!.on('data', (d) => { out += String(d); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child, exited, log: () => out,
    waitFor: async (re, ms) => {
      const until = Date.now() + ms;
      while (!re.test(out)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${re} in:\n${out.slice(-3000)}`);
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${re}:\n${out.slice(-3000)}`);
        await sleep(100);
      }
    },
  };
}

export interface FarmServerProc { port: number; proc: Proc; url(host?: string): string; stop(signal?: NodeJS.Signals): Promise<void>; start(): Promise<void> }

/** `rio-farm serve` on all addresses (the namespaces reach it over their veth), with short leases. */
export async function startFarmServer(db: string, env: Record<string, string> = {}, tls?: { cert: string; key: string }): Promise<FarmServerProc> {
  const port = await freePort();
  const server: FarmServerProc = {
    port, proc: undefined as unknown as Proc,
    url: (host = '127.0.0.1') => `${tls ? 'https' : 'http'}://${host}:${port}`,
    start: async () => {
      server.proc = startProc(process.execPath, [CLI, 'serve', '--db', db, '--host', '0.0.0.0', '--port', String(port),
        ...(tls ? ['--tls-cert', tls.cert, '--tls-key', tls.key] : [])],
      { RIO_FARM_TOKEN: ADMIN_TOKEN, RIO_FARM_LOG_LEVEL: 'warn', ...env });
      await server.proc.waitFor(/dashboard at/, 60_000);
    },
    stop: async (signal = 'SIGTERM') => {
      if (server.proc.child.exitCode !== null || server.proc.child.signalCode !== null) return;
      server.proc.child.kill(signal);
      await server.proc.exited;
    },
  };
  await server.start();
  return server;
}

/** Issues a host token straight into the server's store (what `rio-farm host token issue` does). */
export async function issueToken(db: string, host: string): Promise<string> {
  const store = await openStore(db);
  try {
    const t = newHostToken(host);
    await store.issueHostToken(host, tokenHash(t));
    return t;
  } finally { await store.close(); }
}

export interface AgentOptions {
  ns?: FarmHostNs; server: string; token: string; vdevices: number; profile?: string;
  /** a fixed vdevice port (hence serial) — two hosts seeing one serial */
  vdevicePort?: number;
  env?: Record<string, string>;
}
export interface AgentProc extends Proc { dir: string; adbPort: number; ns?: FarmHostNs; kill9(): void }

/** `rio-farm agent` inside `ns` (or on this host), with its own adb server port and work folder. */
export async function startAgent(o: AgentOptions): Promise<AgentProc> {
  const dir = mkdtempSync(join(tmpdir(), 'rio-agent-'));
  const adbPort = await freePort();
  const profile = o.profile ?? 'pixel-7-virtual';
  const home = join(dir, 'vdevices');
  if (o.vdevicePort) {
    mkdirSync(join(home, `${profile}-0`), { recursive: true });
    writeFileSync(join(home, `${profile}-0`, 'port'), String(o.vdevicePort));
  }
  const args = [CLI, 'agent', '--server', o.server, '--vdevices', String(o.vdevices), '--vdevice-profile', profile,
    '--vdevice-home', home, '--work-dir', join(dir, 'work'), '--poll', '200'];
  const env = { RIO_FARM_HOST_TOKEN: o.token, ANDROID_ADB_SERVER_PORT: String(adbPort), ...o.env };
  const p = o.ns ? startProc('ip', ['netns', 'exec', o.ns.name, process.execPath, ...args], env) : startProc(process.execPath, args, env);
  return {
    ...p, dir, adbPort, ns: o.ns,
    kill9: () => {
      if (o.ns) o.ns.killAll();
      else p.child.kill('SIGKILL');
    },
  };
}

/** Stops an agent politely (SIGTERM), then removes its folder; its adb server goes with its namespace or is killed. */
export async function stopAgent(a: AgentProc): Promise<void> {
  if (a.child.exitCode === null && a.child.signalCode === null) {
    a.child.kill('SIGTERM');
    await Promise.race([a.exited, sleep(15_000)]);
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  }
  // The agent's adb server outlives it by design (phones stay connected); on this host the test ends it.
  if (!a.ns) spawnSync('adb', ['-P', String(a.adbPort), 'kill-server']);
  rmSync(a.dir, { recursive: true, force: true });
}

/** GET a JSON path on the server until `ok` holds. */
export async function pollServer<T>(url: string, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (r.ok) { last = await r.json() as T; if (ok(last)) return last; }
    } catch { /* server restarting */ }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
    await sleep(200);
  }
}
