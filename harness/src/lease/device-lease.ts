/**
 * An exclusive, expiring claim on a device, held in the store so every harness process (and host,
 * on PostgreSQL) sees it. Renewed while the run lives; a killed harness stops renewing, so the
 * device is free again after LEASE_TTL_MS — no device stays "busy" forever after a crash.
 * A lease this harness cannot prove it still holds (renewal refused, or no renewal got through
 * before it expired) is lost for good: the worker starts no more work on that device.
 */
import { RioError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { leaseHolder, holderGone } from './lease-holder.ts';

export { leaseHolder } from './lease-holder.ts';

export const LEASE_TTL_MS = 60_000;
/** Renew well before expiry so one slow store write cannot lose the lease. */
const RENEW_EVERY_MS = LEASE_TTL_MS / 3;

export class DeviceLease {
  private timer: NodeJS.Timeout | null = null;
  private expiresAt: number;
  private lost: string | null = null;
  private lastError: string | null = null;

  private constructor(private readonly store: Store, readonly serial: string, readonly runId: string,
    readonly holder: string, private readonly ttlMs: number, now: number) {
    this.expiresAt = now + ttlMs;
  }

  /**
   * Takes the lease or throws DEVICE_UNHEALTHY naming who holds it and until when. The run's own
   * lease under another holder (a --resume) is taken back only when that holder is gone: a process
   * on this host that no longer runs. Anywhere else only the lease's expiry frees it.
   */
  static async acquire(store: Store, serial: string, runId: string, ttlMs = LEASE_TTL_MS): Promise<DeviceLease> {
    const holder = leaseHolder();
    const now = Date.now();
    let r = await store.acquireLease(serial, runId, holder, ttlMs, now);
    if (!r.ok && r.heldBy.run_id === runId && holderGone(r.heldBy.holder)
      && await store.takeOverLease(serial, runId, r.heldBy.holder, holder, ttlMs, now)) r = { ok: true };
    if (!r.ok) {
      const alive = r.heldBy.run_id === runId ? ' — that harness is still running or on another host; stop it or wait for the expiry' : '';
      throw new RioError('DEVICE_UNHEALTHY', `device is leased by run ${r.heldBy.run_id} (${r.heldBy.holder}) until ${new Date(r.heldBy.expires_at).toISOString()}${alive}`, { device: serial });
    }
    const lease = new DeviceLease(store, serial, runId, holder, ttlMs, now);
    lease.timer = setInterval(() => { void lease.renew(); }, Math.min(RENEW_EVERY_MS, ttlMs / 3));
    lease.timer.unref();
    return lease;
  }

  /** Whether work may start on the device: the lease is neither lost nor past its last known expiry. */
  get held(): boolean { return this.lost === null && Date.now() < this.expiresAt; }

  /** Why the lease is not held (for the device's error and events). */
  get lostBecause(): string {
    if (this.lost) return this.lost;
    return `not renewed before it expired at ${new Date(this.expiresAt).toISOString()}${this.lastError ? ` (last renewal failed: ${this.lastError})` : ''}`;
  }

  /** Extends the lease now; returns whether it is still held. A store error leaves it valid until its expiry. */
  async renew(): Promise<boolean> {
    if (this.lost) return false;
    const now = Date.now();
    try {
      if (await this.store.renewLease(this.serial, this.runId, this.holder, this.ttlMs, now)) {
        this.expiresAt = now + this.ttlMs;
        this.lastError = null;
      } else {
        const row = (await this.store.listLeases().catch(() => [])).find((l) => l.serial === this.serial);
        this.lost = row ? `taken over by run ${row.run_id} (${row.holder})` : 'released by someone else';
        this.stopRenewing();
      }
    } catch (err) {
      this.lastError = (err as Error)?.message ?? String(err);
    }
    return this.held;
  }

  async release(): Promise<void> {
    this.stopRenewing();
    await this.store.releaseLease(this.serial, this.runId, this.holder);
  }

  private stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
