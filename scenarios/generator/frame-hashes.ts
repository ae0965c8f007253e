/**
 * Frames and truth as the generator built them before it was made faster (issue 19): the sha256 of
 * every frame JPEG and truth file of the smoke and nightly suites, recorded once from that code.
 * A faster build must not change a pixel or a digit: the spec checks smoke, bench:scenarios nightly.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BuiltSuite } from './types.ts';

export const FRAME_HASHES = new URL('./fixtures/frame-hashes.json', import.meta.url);

/**
 * `truth`: the whole file as recorded. `truth_content`: the same file without its `spec_hash` line,
 * recorded in the same run. spec_hash is the cache key, a digest of the drawing sources, so it must
 * change whenever those sources change (or a stale cache would be served); every other byte is truth.
 */
interface Recorded { suites: Record<string, Record<string, { truth: string; truth_content: string; frames: string[] }>> }

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A truth.json's bytes without the cache key line (as writeTruth lays it out: one space indent). */
export function truthContent(text: string): string {
  return text.replace(/\n "spec_hash": "[0-9a-f]{64}",/, '');
}

/** Every frame or truth file of a built suite whose bytes differ from the recording (empty: identical). */
export function differencesFromRecorded(built: BuiltSuite): string[] {
  const recorded = (JSON.parse(readFileSync(FRAME_HASHES, 'utf8')) as Recorded).suites[built.name];
  if (!recorded) return [`no recorded hashes for suite ${built.name}`];
  const out: string[] = [];
  const ids = new Set([...Object.keys(recorded), ...built.scenarios.map((s) => s.id)]);
  for (const id of ids) {
    const want = recorded[id], got = built.scenarios.find((s) => s.id === id);
    if (!want || !got) { out.push(`${id}: ${want ? 'not built' : 'not recorded'}`); continue; }
    if (sha(truthContent(readFileSync(got.truthPath, 'utf8'))) !== want.truth_content) out.push(`${id}: truth file differs`);
    if (got.frames.length !== want.frames.length) out.push(`${id}: ${got.frames.length} frames, recorded ${want.frames.length}`);
    got.frames.forEach((f, i) => { if (want.frames[i] !== undefined && sha(readFileSync(f.path)) !== want.frames[i]) out.push(`${id}: frame ${i} differs`); });
  }
  return out;
}
