/** Where built suites live: content-addressed frames and one truth.json per scenario. */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, so the cache does not depend on the caller's working directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function cacheDir(): string {
  return resolve(process.env.RIO_FARM_CACHE ?? join(REPO_ROOT, '.rio-farm', 'scenarios'));
}

export function framePath(cache: string, sha256: string): string {
  return join(cache, 'frames', `${sha256}.jpg`);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Stores a frame under its content hash; an existing frame is never rewritten. */
export function storeFrame(cache: string, jpeg: Uint8Array): { sha256: string; path: string } {
  const sha = sha256(jpeg);
  const path = framePath(cache, sha);
  if (!existsSync(path)) writeAtomic(path, jpeg);
  return { sha256: sha, path };
}

/** Write then rename, so a reader (or a crash) never sees half a file. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
