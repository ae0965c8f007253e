/**
 * An exclusive, expiring claim on a device, held in the store so every harness process (and host,
 * on PostgreSQL) sees it. Renewed while the run lives; a killed harness stops renewing, so the
 * device is free again after LEASE_TTL_MS — no device stays "busy" forever after a crash.
 */
import { hostname } from 'node:os';
import { RioError } from '../errors.ts';
import type { Store } from '../store/index.ts';

export const LEASE_TTL_MS = 60_000;
/** Renew well before expiry so one slow store write cannot lose the lease. */
const RENEW_EVERY_MS = LEASE_TTL_MS / 3;

export const leaseHolder = () => `${hostname()}:${process.pid}`;

export class DeviceLease {
  private timer: NodeJS.Timeout | null = null;
  private constructor(private readonly store: Store, readonly serial: string, readonly runId: string) {}

  /** Takes the lease or throws DEVICE_UNHEALTHY naming who holds it and until when. */
  static async acquire(store: Store, serial: string, runId: string, ttlMs = LEASE_TTL_MS): Promise<DeviceLease> {
    const r = await store.acquireLease(serial, runId, leaseHolder(), ttlMs);
    if (!r.ok) {
      throw new RioError('DEVICE_UNHEALTHY', `device is leased by run ${r.heldBy.run_id} (${r.heldBy.holder}) until ${new Date(r.heldBy.expires_at).toISOString()}`, { device: serial });
    }
    const lease = new DeviceLease(store, serial, runId);
    lease.timer = setInterval(() => { store.renewLease(serial, runId, ttlMs).catch(() => undefined); }, Math.min(RENEW_EVERY_MS, ttlMs / 3));
    lease.timer.unref();
    return lease;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.releaseLease(this.serial, this.runId);
  }
}
