import { randomBytes, createHash } from 'node:crypto';

/**
 * Sortable, unique run id: r20260128-153012-a1b2c3d4e5f6. 48 random bits, so nobody can upload runs
 * under the ids a later local run will take.
 */
export function newRunId(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const d = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `r${d}-${randomBytes(6).toString('hex')}`;
}

/** The app-side run id of one attempt: short and path-safe (it names a folder on the device). */
export function appRunId(attemptId: string): string {
  return `rio-${createHash('sha256').update(attemptId).digest('hex').slice(0, 16)}`;
}

/** A serial like 127.0.0.1:5555 as a folder name. */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}
