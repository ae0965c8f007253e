import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMigrations } from '../../../harness/src/store/migrate.ts';
import { storeKinds } from '../../../harness/src/store/test-stores.ts';
import { runsNeedingSummary, summarizeRun } from './run-summary.ts';
import { smallFarm, writeSyntheticRuns } from '../testing/synthetic-runs.ts';

for (const kind of storeKinds()) {
  describe(`migration 092 on ${kind.name}`, () => {
    test('only --include-thermal runs are summarised again', async () => {
      const ts = await kind.open();
      try {
        const [excl] = await writeSyntheticRuns(ts.store, smallFarm({ suite: 'excl', runs: 1 }));
        const [incl] = await writeSyntheticRuns(ts.store, smallFarm({ suite: 'incl', runs: 1, options: { includeThermal: true } }));
        for (const r of [excl!, incl!]) await summarizeRun(ts.store, r.id);
        assert.deepEqual(await runsNeedingSummary(ts.store.db), []);
        for (const sql of loadMigrations().find((m) => m.version === 92)!.statements) await ts.store.db.run(sql);
        assert.deepEqual(await runsNeedingSummary(ts.store.db), [incl!.id]);
      } finally { await ts.drop(); }
    });
  });
}
