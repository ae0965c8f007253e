/**
 * An upload is answered once everything it sent is stored; its aggregates and final status follow.
 * A server stopped in between (here: the frames written as the route writes them, and no finish)
 * finishes the run when it starts again, on SQLite and PostgreSQL — nothing the answer promised is lost.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds } from '../../harness/src/store/test-stores.ts';
import { writeRunFrames } from '../../harness/src/store/run-import.ts';
import { computeAggregates } from '../../harness/src/metrics/aggregate.ts';
import { DEFAULT_BARS } from '../../harness/src/metrics/quality-bars.ts';
import { buildServer } from './app.ts';
import { exportedRuns } from './testing/ingest-fixture.ts';

for (const kind of storeKinds()) {
  describe(`an answered upload survives a server stop (${kind.name})`, () => {
    test('frames stored, finish lost: the next server finishes the run — aggregates from the stored frames, the upload\'s final status, dashboard rows', async () => {
      const source = await kind.open(), target = await kind.open();
      const dir = mkdtempSync(join(tmpdir(), 'rio-ingest-restart-'));
      try {
        const [exp] = await exportedRuns(source.store, 1);
        await writeRunFrames(target.store, exp!, { root: 'body' }); // what POST /api/runs stores before it answers
        assert.equal((await target.store.getRun(exp!.run.id))!.status, 'running', 'unfinished until its aggregates are in');
        assert.deepEqual(await target.store.aggregates(exp!.run.id), []);

        const app = await buildServer({ store: target.store, ingestToken: 'token', scenarioCacheDir: dir, reportsDir: join(dir, 'reports'), logger: false });
        try {
          await app.ready();
          const deadline = Date.now() + 30_000;
          while ((await target.store.getRun(exp!.run.id))!.status === 'running' && Date.now() < deadline) {
            await app.inject({ url: '/api/runs' }); // a request lets the refresher run
            await new Promise((r) => setTimeout(r, 100));
          }
          const run = (await target.store.getRun(exp!.run.id))!;
          assert.equal(run.status, exp!.run.status);
          assert.equal(run.exit_code, exp!.run.exit_code);
          const stored = await target.store.measurements(exp!.run.id);
          assert.ok(stored.length > 0);
          assert.deepEqual(await target.store.aggregates(exp!.run.id),
            computeAggregates(stored, { bars: DEFAULT_BARS, replayFps: new Map(exp!.scenarios.map((s) => [s.id, s.fps ?? 0])) }));
          assert.deepEqual(await target.store.db.all('SELECT run_id FROM import_pending'), [], 'the pending finish is gone');
          await app.inject({ url: '/api/runs' });
          await app.backgroundWork();
          const detail = (await app.inject({ url: `/api/runs/${exp!.run.id}` })).json() as { summaries: unknown[] };
          assert.ok(detail.summaries.length > 0, 'its dashboard rows follow');
        } finally { await app.close(); }
      } finally {
        await source.drop(); await target.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
