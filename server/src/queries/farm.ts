/** The farm as the /hosts page and GET /api/hosts show it, optionally for one host. */
import type { FarmJobAttemptRow, FarmJobRow, Store } from '../../../harness/src/store/index.ts';
import type { FarmSettings } from '../farm-settings.ts';

export interface FarmDeviceView {
  serial: string; model: string; virtual: boolean; seen_at: number;
  running_job: string | null; quarantined_at: number | null; quarantine_reason: string | null; failure_streak: number;
  /** other hosts reporting the same serial (only one of them drives it at a time) */
  also_seen_by: string[];
}
export interface FarmHostView {
  name: string; online: boolean; last_heartbeat: number | null; address: string | null; revoked: boolean; devices: FarmDeviceView[];
}
export interface FarmView {
  now: number; heartbeat_ms: number; lease_ms: number;
  hosts: FarmHostView[];
  running: FarmJobRow[]; queued: FarmJobRow[]; dead: FarmJobRow[]; done: FarmJobRow[];
  attempts: FarmJobAttemptRow[];
}

/** A host is online while its heartbeats arrive: within one lease of the last one. */
export async function farmView(store: Store, farm: Pick<FarmSettings, 'heartbeatMs' | 'leaseMs'>, host?: string, now = Date.now()): Promise<FarmView> {
  const [hosts, devices, farmDevices, jobs, attempts] = await Promise.all([
    store.listHosts(), store.hostDevices(), store.farmDevices(), store.listJobs(host), store.jobAttempts(undefined, host)]);
  const health = new Map(farmDevices.map((d) => [d.serial, d]));
  const runningOn = new Map(jobs.filter((j) => j.state === 'running').map((j) => [j.serial, j.id]));
  const hostsOf = new Map<string, string[]>();
  for (const d of devices) hostsOf.set(d.serial, [...(hostsOf.get(d.serial) ?? []), d.host]);
  return {
    now, heartbeat_ms: farm.heartbeatMs, lease_ms: farm.leaseMs,
    hosts: hosts.filter((h) => !host || h.name === host).map((h) => ({
      name: h.name, address: h.address, revoked: h.revoked_at !== null, last_heartbeat: h.last_heartbeat === null ? null : Number(h.last_heartbeat),
      online: h.last_heartbeat !== null && now - Number(h.last_heartbeat) <= farm.leaseMs,
      devices: devices.filter((d) => d.host === h.name).map((d) => {
        const f = health.get(d.serial);
        return { serial: d.serial, model: d.model, virtual: Number(d.virtual) === 1, seen_at: Number(d.seen_at), running_job: runningOn.get(d.serial) ?? null,
          quarantined_at: f?.quarantined_at == null ? null : Number(f.quarantined_at), quarantine_reason: f?.quarantine_reason ?? null,
          failure_streak: Number(f?.failure_streak ?? 0), also_seen_by: (hostsOf.get(d.serial) ?? []).filter((o) => o !== h.name) };
      }),
    })),
    running: jobs.filter((j) => j.state === 'running'), queued: jobs.filter((j) => j.state === 'queued'),
    dead: jobs.filter((j) => j.state === 'dead'), done: jobs.filter((j) => j.state === 'done'),
    attempts,
  };
}
