/** Per-host tokens: made here once, shown once, stored only as their sha256 (`rio-farm host token issue`). */
import { createHash, randomBytes } from 'node:crypto';

/** A new host token: prefix, host name for humans, 32 random bytes. */
export function newHostToken(host: string): string {
  return `rioh_${host}_${randomBytes(32).toString('base64url')}`;
}

/** What the store keeps of a token (32 random bytes need no slow hash: there is nothing to brute-force). */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
