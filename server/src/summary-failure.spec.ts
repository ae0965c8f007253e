/**
 * A run whose dashboard summary cannot be written (here: a real SQLite trigger refuses its rows)
 * neither keeps the other runs off the dashboards nor turns the upload that stored it into a 5xx.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteTestStore, type TestStore } from '../../harness/src/store/test-stores.ts';
import type { RunExport } from '../../harness/src/store/run-export.ts';
import { buildServer, type App } from './app.ts';
import { exportedRuns } from './testing/ingest-fixture.ts';
import { renamed } from './testing/run-mutations.ts';
import { SummaryRefresher } from './queries/run-summary.ts';

let source: TestStore, target: TestStore, app: App, dir: string, runs: RunExport[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rio-summary-'));
  source = await sqliteTestStore();
  target = await sqliteTestStore();
  runs = await exportedRuns(source.store, 2);
  app = await buildServer({ store: target.store, ingestToken: 't', scenarioCacheDir: dir, reportsDir: dir, logger: false });
  await target.store.db.run(`CREATE TRIGGER poisoned_summary BEFORE INSERT ON dash_run_device WHEN NEW.run_id LIKE 'poisoned-%'
    BEGIN SELECT RAISE(ABORT, 'this run cannot be summarised'); END`);
});
after(async () => { await app.close(); await source.drop(); await target.drop(); rmSync(dir, { recursive: true, force: true }); });

const upload = (e: RunExport) => app.inject({ method: 'POST', url: '/api/runs', payload: JSON.stringify(e), headers: { 'content-type': 'application/json', authorization: 'Bearer t' } });

test('an upload that was stored answers 201 even when its summary fails', async () => {
  const r = await upload(renamed(runs[0]!, 'poisoned-1'));
  assert.equal(r.statusCode, 201, r.body);
  await app.backgroundWork(); // its summary fails after the answer
  assert.equal((await target.store.measurements('poisoned-1')).length, runs[0]!.measurements.length);
  assert.equal((await app.inject({ url: '/runs/poisoned-1' })).statusCode, 200, 'its page shows it, without summaries');
});

test('a run that cannot be summarised does not keep the others off the dashboards', async () => {
  assert.equal((await upload(renamed(runs[0]!, 'poisoned-2'))).statusCode, 201);
  await app.backgroundWork(); // its summary fails after the answer
  // Written into the store directly, as a local run would be, after the poisoned one: the background refresher summarises it.
  await target.store.createRun({ ...runs[1]!.run, id: 'healthy-1', started_at: runs[0]!.run.started_at + 1 }, {});
  const failed: string[] = [];
  const refresher = new SummaryRefresher(target.store, (_err, run) => { if (run) failed.push(run); }, 0);
  await refresher.refresh(60_000);
  assert.ok(failed.includes('poisoned-2'), failed.join());
  const done = await target.store.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM dash_runs_done WHERE run_id = 'healthy-1'");
  assert.equal(Number(done!.n), 1, 'the run after the failing one was summarised');
});
