/**
 * How the server runs the farm: lease and heartbeat timing, failure bounds. The defaults meet the
 * issue's promise (a dead agent's jobs back in the queue within 60 s); tests shorten them.
 */
import type { FailurePolicy } from '../../harness/src/store/farm-jobs.ts';

export interface FarmSettings extends FailurePolicy {
  /** how often agents heartbeat (told to them at each heartbeat) */
  heartbeatMs: number;
  /** a claim's lease: renewed by every heartbeat, so ~3 missed heartbeats end it */
  leaseMs: number;
  /** how often expired leases are looked for */
  reapEveryMs: number;
}

/** 15 s heartbeats, 45 s leases, reaped every 5 s: a silent agent's jobs are queued again after 45–50 s. */
export const DEFAULT_FARM_SETTINGS: FarmSettings = {
  heartbeatMs: 15_000, leaseMs: 45_000, reapEveryMs: 5_000, maxInfraFailures: 3, quarantineAfter: 3,
};

/** RIO_FARM_LEASE_MS / RIO_FARM_HEARTBEAT_MS override the timing (tests and the chaos benchmark). */
export function farmSettingsFromEnv(env = process.env): FarmSettings {
  const num = (v: string | undefined, d: number) => (v && Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : d);
  const leaseMs = num(env.RIO_FARM_LEASE_MS, DEFAULT_FARM_SETTINGS.leaseMs);
  return {
    ...DEFAULT_FARM_SETTINGS, leaseMs,
    heartbeatMs: num(env.RIO_FARM_HEARTBEAT_MS, Math.min(DEFAULT_FARM_SETTINGS.heartbeatMs, Math.floor(leaseMs / 3))),
    reapEveryMs: Math.min(DEFAULT_FARM_SETTINGS.reapEveryMs, Math.max(200, Math.floor(leaseMs / 4))),
  };
}
