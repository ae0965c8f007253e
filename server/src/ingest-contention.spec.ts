/**
 * A large upload to the server while a local run (another process) writes the same SQLite file:
 * every work item of the local run is stored, and every upload is stored (the import commits in
 * chunks, and each side waits for the other's write lock instead of failing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../harness/src/store/index.ts';
import { sqliteTestStore } from '../../harness/src/store/test-stores.ts';
import { startWriter } from '../../harness/src/store/testing-processes.ts';
import { buildServer } from './app.ts';
import { exportedRuns, widened } from './testing/ingest-fixture.ts';
import { renamed } from './testing/run-mutations.ts';

const ITEMS = 40, FRAMES = 300;

test('uploads and a local run on one SQLite file: no work item and no upload fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-contention-'));
  const url = `sqlite:${join(dir, 'rio-farm.db')}`;
  const source = await sqliteTestStore();
  const store = await openStore(url);
  const app = await buildServer({ store, ingestToken: 't', scenarioCacheDir: dir, reportsDir: dir, logger: false });
  const local = startWriter(['run', url, 'local-run', String(ITEMS), String(FRAMES)]);
  try {
    const big = widened((await exportedRuns(source.store, 1))[0]!, 100); // 7,200 frames in 4 import chunks, ~6 MB of JSON
    await local.line((l) => l === 'ready');
    let localDone = false;
    void local.exited.then(() => { localDone = true; });
    const uploaded: { id: string; frames: number }[] = [];
    // Upload until the local run has finished: at least the first upload overlaps its writes.
    do {
      const exp = renamed(big, `uploaded-${uploaded.length + 1}`);
      const r = await app.inject({ method: 'POST', url: '/api/runs', payload: JSON.stringify(exp), headers: { 'content-type': 'application/json', authorization: 'Bearer t' } });
      assert.equal(r.statusCode, 201, r.body);
      uploaded.push({ id: exp.run.id, frames: exp.measurements.length });
    } while (!localDone);
    assert.equal(await local.exited, 0, local.stderr());
    const result = JSON.parse(await local.line((l) => l.startsWith('{'))) as { done: number; failed: number; busy_waits: number };
    assert.deepEqual({ done: result.done, failed: result.failed }, { done: ITEMS, failed: 0 }, local.stderr());
    assert.equal((await store.measurements('local-run')).length, ITEMS * FRAMES);
    for (const u of uploaded) assert.equal((await store.measurements(u.id)).length, u.frames, u.id);
    console.log(`store contention: ${uploaded.length} uploads of ${big.measurements.length} frames while a local run stored ${ITEMS} items (${result.busy_waits} lock waits in the local run)`);
  } finally {
    local.child.kill();
    await app.close();
    await store.close();
    await source.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
