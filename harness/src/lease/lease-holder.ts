/**
 * Who holds a lease: `host:pid` of the harness process. On this host we can tell whether that
 * process still lives; on another host we cannot, and only the lease's expiry frees the device.
 */
import { hostname } from 'node:os';

/** This harness process as a lease holder. */
export const leaseHolder = () => `${hostname()}:${process.pid}`;

/** True when pid names a live process (EPERM: alive, just not ours to signal). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** True only when `holder` is a process on this host that no longer runs. */
export function holderGone(holder: string): boolean {
  const at = holder.lastIndexOf(':');
  if (at <= 0) return false;
  return holder.slice(0, at) === hostname() && !processAlive(Number(holder.slice(at + 1)));
}
