/**
 * The smoke suite built cold into an empty cache gives byte-identical frames and truth files to the
 * ones recorded from the generator before it was made faster (fixtures/frame-hashes.json).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { differencesFromRecorded, truthContent } from './frame-hashes.ts';

test('a cold smoke build is byte-identical to the recorded frames and truth', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'rio-hashes-'));
  const before = process.env.RIO_FARM_CACHE;
  process.env.RIO_FARM_CACHE = cache;
  try {
    const { buildSuite } = await import('./index.ts');
    const built = await buildSuite('smoke');
    assert.ok(built.scenarios.length >= 10);
    assert.deepEqual(differencesFromRecorded(built), []);
  } finally {
    if (before === undefined) delete process.env.RIO_FARM_CACHE; else process.env.RIO_FARM_CACHE = before;
    rmSync(cache, { recursive: true, force: true });
  }
});

test('truth content sets aside only the cache key: another spec_hash matches, another digit does not', () => {
  const truth = (specHash: string, x: number) => JSON.stringify({ schema: 'rio-truth/1', id: 'a', fps: 30, spec_hash: specHash,
    frames: [{ index: 0, cards: [{ quad: [[x, 1], [2, 1], [2, 2], [1, 2]] }] }] }, null, 1);
  const recorded = truth('a'.repeat(64), 1.25);
  assert.notEqual(truthContent(recorded), recorded);
  assert.equal(truthContent(truth('b'.repeat(64), 1.25)), truthContent(recorded));
  assert.notEqual(truthContent(truth('b'.repeat(64), 1.2501)), truthContent(recorded));
  assert.notEqual(truthContent(truth('not a digest', 1.25)), truthContent(recorded));
});
