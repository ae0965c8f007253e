/**
 * `rio-farm agent --server URL`: one farm host. Heartbeats its devices and the claims it holds (the
 * server renews those leases and names the ones it lost), claims jobs only for devices it sees and
 * is not busy with, and runs each with JobRunner. Owns no state the farm needs: a kill -9 loses
 * nothing but the running scenario, which the server gives to another host when the lease runs out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RioError } from '../errors.ts';
import { adbClient, ensureAdbServer, onlineDevices, AdbDevice } from '../devices/index.ts';
import { readFingerprint, modelLabel } from '../fingerprint/device-fingerprint.ts';
import { startLocalVdevices, type LocalVdevices } from '../run/local-vdevices.ts';
import { FarmClient } from './farm-client.ts';
import { JobRunner, type ClaimedJobMessage } from './job-runner.ts';

export interface AgentOptions {
  server: string;
  token: string;
  /** where each job's local store and reports go */
  workDir: string;
  adbPort: number;
  /** how often free devices ask for work (dispatch latency is at most about this) */
  pollMs: number;
  /** start this many vdevices on this host's adb server (no phone attached: tests, benchmarks, demos) */
  vdevices: number;
  vdeviceProfiles?: string[];
  vdeviceHome?: string;
  note: (line: string) => void;
  signal: AbortSignal;
}

/** Heartbeat period before the server has said its own (it answers every heartbeat with it). */
const FIRST_HEARTBEAT_MS = 1_000;
/** Re-reading which devices are attached: adb answers in milliseconds, a replugged phone shows up this fast. */
const DEVICE_SCAN_MS = 2_000;
/** Heartbeats and claims are tiny: a server that does not answer in this long is treated as unreachable (a cut link hangs, it does not refuse). */
const CONTROL_TIMEOUT_MS = 5_000;

interface SeenDevice { serial: string; model: string; virtual: boolean }

export async function runAgent(o: AgentOptions): Promise<void> {
  const client = new FarmClient(o.server, o.token);
  const adbPort = await ensureAdbServer(o.adbPort);
  const adb = adbClient(adbPort);
  let local: LocalVdevices | undefined;
  const running = new Map<string, JobRunner>();
  const finished: Promise<unknown>[] = [];
  const models = new Map<string, SeenDevice>();
  let devices: SeenDevice[] = [];
  let heartbeatMs = FIRST_HEARTBEAT_MS;
  // Stops both loops: the caller's signal, or a token the server refuses.
  const stop = new AbortController();
  o.signal.addEventListener('abort', () => stop.abort(), { once: true });
  try {
    if (o.vdevices > 0) {
      local = await startLocalVdevices({ count: o.vdevices, adbPort, profiles: o.vdeviceProfiles, home: o.vdeviceHome });
      o.note(`started vdevices ${local.serials.join(', ')}`);
    }
    const scan = async () => {
      const serials = await onlineDevices(adb).catch(() => [] as string[]);
      devices = [];
      for (const s of serials) {
        let d = models.get(s);
        if (!d) {
          const fp = await readFingerprint(new AdbDevice(adb, s)).catch(() => undefined);
          if (!fp) continue; // not answering yet: next scan
          d = { serial: s, model: modelLabel(fp), virtual: fp.virtual };
          models.set(s, d);
        }
        devices.push(d);
      }
    };
    const heartbeat = async () => {
      const held = [...running.values()].map((r) => ({ id: r.job.id, fence: r.job.fence }));
      const r = await client.call<{ host: string; lost: string[]; heartbeat_ms: number }>('/api/agent/heartbeat', { devices, held }, { timeoutMs: CONTROL_TIMEOUT_MS });
      heartbeatMs = r.heartbeat_ms;
      for (const id of r.lost) running.get(id)?.fence('lease lost: the server gave the job back to the queue');
    };
    const claim = async () => {
      const busy = new Set([...running.values()].map((r) => r.job.serial));
      const offers = devices.filter((d) => !busy.has(d.serial)).map((d) => ({ serial: d.serial, model: d.model }));
      if (offers.length === 0) return;
      const r = await client.call<{ jobs: ClaimedJobMessage[] }>('/api/agent/claim', { offers }, { timeoutMs: CONTROL_TIMEOUT_MS });
      for (const job of r.jobs) {
        const runner = new JobRunner(job, client, o.workDir, o.note);
        running.set(job.id, runner);
        finished.push(runner.run()
          .catch((err) => o.note(`job ${job.id}: could not report its end: ${(err as Error).message}`))
          .finally(() => { if (running.get(job.id) === runner) running.delete(job.id); }));
      }
    };

    await scan();
    o.note(`agent: ${devices.length} device(s): ${devices.map((d) => `${d.serial} (${d.model})`).join(', ') || 'none'}; server ${o.server}`);
    let registered = false;
    let fatal: unknown;
    // Heartbeats on their own loop: a slow claim or device scan must never delay the renewal of the leases this host holds.
    const beating = (async () => {
      while (!stop.signal.aborted) {
        try {
          await heartbeat();
          if (!registered) { registered = true; o.note(`agent: registered with ${o.server}`); }
        } catch (err) {
          // The server is down or unreachable: the devices' work goes on; the next heartbeat that arrives re-registers us.
          if (err instanceof RioError && err.code === 'UNAUTHORIZED') { fatal = err; stop.abort(); return; }
          if (registered) o.note(`agent: server unreachable (${(err as Error).message}); retrying`);
          registered = false;
        }
        await sleep(registered ? heartbeatMs : FIRST_HEARTBEAT_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    })();
    let nextScan = Date.now() + DEVICE_SCAN_MS;
    while (!stop.signal.aborted) {
      try {
        if (Date.now() >= nextScan) { await scan(); nextScan = Date.now() + DEVICE_SCAN_MS; }
        if (registered) await claim();
      } catch (err) {
        if (err instanceof RioError && err.code === 'UNAUTHORIZED') { fatal = err; break; }
        // unreachable: the heartbeat loop notes it and re-registers
      }
      await sleep(o.pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
    stop.abort();
    await beating;
    if (fatal) throw fatal;
    o.note(`agent: stopping; ${running.size} job(s) running are stopped and reported`);
    for (const r of running.values()) r.abort.abort();
    await Promise.all(finished);
  } finally {
    for (const r of running.values()) r.abort.abort();
    adb.closeAll();
    if (local) await local.stop();
  }
}
