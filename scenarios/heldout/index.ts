/**
 * The `heldout` suite: frames rendered by scenarios/heldout/heldout.py (Python/PIL, sharing no code
 * with scenarios/generator) from real photographs, kept in the real-photo suite format. Rendered on
 * first use into the cache (`<cache>/heldout-src/heldout`) and reused while the generator's source,
 * photo pins and seed are unchanged. Never train or choose thresholds on it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RioError } from '../../harness/src/errors.ts';

export const HELDOUT_SEED = 18;
const HERE = import.meta.dirname;
const SOURCES = ['heldout.py', 'photos.json'];

/** Hash of what the frames are a function of: the generator's source, the photo pins, the seed. */
export function heldoutKey(seed = HELDOUT_SEED): string {
  const h = createHash('sha256').update(`seed=${seed}\n`);
  for (const f of SOURCES) h.update(readFileSync(join(HERE, f)));
  return h.digest('hex');
}

/** The folder of the rendered held-out suite, rendering it first when missing or stale. */
export function ensureHeldout(cache: string, seed = HELDOUT_SEED): string {
  const dir = join(cache, 'heldout-src', 'heldout');
  const stamp = join(dir, 'key.txt');
  const key = heldoutKey(seed);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return dir;
  rmSync(dir, { recursive: true, force: true });
  const r = spawnSync('/usr/bin/python3', [join(HERE, 'heldout.py'), '--out', dir, '--seed', String(seed),
    '--photos', join(cache, 'heldout-src', 'photos')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new RioError('BAD_SCENARIO', `heldout.py failed: ${(r.stderr || r.stdout).slice(-2000)}`, { suite: 'heldout' });
  writeFileSync(stamp, key);
  return dir;
}
