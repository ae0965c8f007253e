import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from './test-stores.ts';
import { loadMigrations } from './migrate.ts';
import { exportRun, importRun, validateRunExport } from './run-export.ts';
import type { MeasurementRow, RunRow } from './index.ts';
import { computeAggregates } from '../metrics/aggregate.ts';
import { DEFAULT_BARS } from '../metrics/quality-bars.ts';

const run = (id: string): RunRow => ({
  id, suite: 'smoke', status: 'running', exit_code: null, started_at: 1_700_000_000_000, finished_at: null,
  host: 'host:1', out_dir: `reports/${id}`, apk_sha256: 'a'.repeat(64), app_version: '1.0', model_sha256: null,
  options_json: '{}', virtual_only: 1,
});
const frame = (attempt: string, i: number): MeasurementRow => ({
  attempt_id: attempt, run_id: 'r1', serial: 's1', scenario_id: 'sc', repeat_index: 0, frame_index: i, lighting: 'plain',
  negative: 0, t_decode: 1, t_pre: 2, t_infer: 10 + i, t_post: 1, t_total: 14 + i, dropped: 0, thermal_flag: 0,
  detections: 1, matched: 1, cards: 1, iou: 0.9, corner_err_px: 2, corner_err_pct: 0.5, false_detections: 0,
  detections_json: '[]', error: null,
});

for (const kind of storeKinds()) {
  describe(`store on ${kind.name}`, () => {
    test('migrations are versioned and re-opening applies nothing twice', async () => {
      const ts = await kind.open();
      try {
        const rows = await ts.store.db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        assert.deepEqual(rows.map((r) => Number(r.version)), loadMigrations().map((m) => m.version));
        const { migrate } = await import('./migrate.ts');
        assert.deepEqual(await migrate(ts.store.db), []);
      } finally { await ts.drop(); }
    });

    test('a lease is exclusive until it expires, and a run takes its own lease back', async () => {
      const ts = await kind.open();
      try {
        const s = ts.store;
        assert.equal((await s.acquireLease('dev1', 'runA', 'h:1', 1000, 10_000)).ok, true);
        const other = await s.acquireLease('dev1', 'runB', 'h:2', 1000, 10_500);
        assert.equal(other.ok, false);
        assert.equal((await s.acquireLease('dev1', 'runA', 'h:3', 1000, 10_600)).ok, false, 'the same run under another holder needs a take-over');
        assert.equal(await s.takeOverLease('dev1', 'runA', 'h:1', 'h:3', 1000, 10_600), true, 'resumed run re-takes its lease from a gone holder');
        assert.equal(await s.takeOverLease('dev1', 'runA', 'h:1', 'h:4', 1000, 10_600), false, 'only from the holder it saw');
        assert.equal((await s.acquireLease('dev1', 'runB', 'h:2', 1000, 12_000)).ok, true, 'expired lease is free');
        await s.releaseLease('dev1', 'runB');
        assert.equal((await s.listLeases()).length, 0);
      } finally { await ts.drop(); }
    });

    test('device fingerprint history keeps one row per distinct fingerprint', async () => {
      const ts = await kind.open();
      try {
        const fp = { serial: 'dev1', manufacturer: 'rio', model: 'V1', soc: 'vsoc', abi: 'arm64-v8a', sdk: 34, build_fingerprint: 'b/1', virtual: true };
        const a = await ts.store.recordDevice(fp);
        assert.equal(await ts.store.recordDevice(fp), a);
        const b = await ts.store.recordDevice({ ...fp, build_fingerprint: 'b/2' });
        assert.notEqual(a, b);
        assert.equal((await ts.store.fingerprintHistory('dev1')).length, 2);
        assert.equal((await ts.store.getDevice('dev1'))?.fingerprint_id, b);
      } finally { await ts.drop(); }
    });

    test('completing an attempt stores its frames and marks the item done exactly once', async () => {
      const ts = await kind.open();
      try {
        const s = ts.store;
        await s.createRun(run('r1'), { branch: 'main' });
        await s.planItems([{ id: 'r1/s1/sc/0', run_id: 'r1', slot_serial: 's1', scenario_id: 'sc', truth_sha256: 't', repeat_index: 0, seq: 0, status: 'pending', done_attempt_id: null }]);
        await s.planItems([{ id: 'r1/s1/sc/0', run_id: 'r1', slot_serial: 's1', scenario_id: 'sc', truth_sha256: 't', repeat_index: 0, seq: 0, status: 'pending', done_attempt_id: null }]);
        await s.startAttempt({ id: 'r1/s1/sc/0/a1', run_id: 'r1', item_id: 'r1/s1/sc/0', attempt: 1, serial: 's1', scenario_id: 'sc' });
        await s.failAttempt('r1/s1/sc/0/a1', { error_code: 'TIMEOUT', error_message: 'stalled' });
        await s.startAttempt({ id: 'r1/s1/sc/0/a2', run_id: 'r1', item_id: 'r1/s1/sc/0', attempt: 2, serial: 's2', scenario_id: 'sc' });
        await s.completeAttempt('r1/s1/sc/0/a2', 'r1/s1/sc/0', { wall_ms: 5 }, [frame('r1/s1/sc/0/a2', 0), frame('r1/s1/sc/0/a2', 1)]);
        await assert.rejects(s.completeAttempt('r1/s1/sc/0/a2', 'r1/s1/sc/0', {}, [frame('x', 0)]));
        assert.equal((await s.measurements('r1')).length, 2);
        const items = await s.workItems('r1');
        assert.equal(items.length, 1);
        assert.equal(items[0]!.status, 'done');
        assert.deepEqual((await s.attempts('r1')).map((a) => a.outcome), ['infra_error', 'ok']);
        assert.deepEqual(await s.runLabels('r1'), { branch: 'main' });
      } finally { await ts.drop(); }
    });

    test('a run export validates and imports idempotently into another store', async () => {
      const a = await kind.open();
      const b = await kind.open();
      try {
        const T = 1_700_000_000_000;
        await a.store.createRun({ ...run('r1'), status: 'passed', exit_code: 0, finished_at: T + 60_000 }, { k: 'v' });
        await a.store.recordDevice({ serial: 's1', manufacturer: 'rio', model: 'V1', soc: 'x', abi: 'x86_64', sdk: 34, build_fingerprint: 'f', virtual: true });
        await a.store.upsertRunDevice({ run_id: 'r1', serial: 's1', fingerprint_id: (await a.store.getDevice('s1'))!.fingerprint_id, status: 'done' });
        await a.store.addEvent({ run_id: 'r1', serial: 's1', at: T + 5, kind: 'cooldown', detail: null });
        await a.store.planItems([{ id: 'r1/s1/sc/0', run_id: 'r1', slot_serial: 's1', scenario_id: 'sc', truth_sha256: 'b'.repeat(64), repeat_index: 0, seq: 0, status: 'pending', done_attempt_id: null }]);
        await a.store.startAttempt({ id: 'r1/s1/sc/0/a1', run_id: 'r1', item_id: 'r1/s1/sc/0', attempt: 1, serial: 's1', scenario_id: 'sc', started_at: T + 10 });
        await a.store.completeAttempt('r1/s1/sc/0/a1', 'r1/s1/sc/0', { finished_at: T + 20 }, [{ ...frame('r1/s1/sc/0/a1', 0), serial: 's1' }]);
        await a.store.replaceAggregates('r1', computeAggregates(await a.store.measurements('r1'), { bars: DEFAULT_BARS }));
        const exp = validateRunExport(JSON.parse(JSON.stringify(await exportRun(a.store, 'r1'))));
        await importRun(b.store, exp);
        await importRun(b.store, exp);
        const again = await exportRun(b.store, 'r1');
        assert.deepEqual(again, exp);
        assert.throws(() => validateRunExport({ ...exp, run: { ...exp.run, started_at: 'x' } }), /started_at/);
      } finally { await a.drop(); await b.drop(); }
    });

    test('a frame\'s quarter-turn time (migration 122) survives export and import; none is NULL, and an export from before it imports as NULL', async () => {
      const a = await kind.open();
      const b = await kind.open();
      const c = await kind.open();
      try {
        const T = 1_700_000_000_000;
        await a.store.createRun({ ...run('r1'), status: 'passed', exit_code: 0, finished_at: T + 60_000 }, {});
        await a.store.planItems([{ id: 'r1/s1/sc/0', run_id: 'r1', slot_serial: 's1', scenario_id: 'sc', truth_sha256: 'b'.repeat(64), repeat_index: 0, seq: 0, status: 'pending', done_attempt_id: null }]);
        await a.store.startAttempt({ id: 'r1/s1/sc/0/a1', run_id: 'r1', item_id: 'r1/s1/sc/0', attempt: 1, serial: 's1', scenario_id: 'sc', started_at: T + 10 });
        const turns = [3.125, null, 0.001];
        await a.store.completeAttempt('r1/s1/sc/0/a1', 'r1/s1/sc/0', { finished_at: T + 20 },
          turns.map((t_turn, i) => ({ ...frame('r1/s1/sc/0/a1', i), t_turn })));
        assert.deepEqual((await a.store.measurements('r1')).map((m) => m.t_turn), turns, 'stored as given');
        const exp = validateRunExport(JSON.parse(JSON.stringify(await exportRun(a.store, 'r1'))));
        assert.deepEqual(exp.measurements.map((m) => m.t_turn), turns, 'in the export');
        await importRun(b.store, exp);
        assert.deepEqual((await b.store.measurements('r1')).map((m) => m.t_turn), turns, 'and in the other store');
        const before122 = structuredClone(exp);
        for (const m of before122.measurements) delete m.t_turn;
        await importRun(c.store, validateRunExport(before122));
        assert.deepEqual((await c.store.measurements('r1')).map((m) => m.t_turn), [null, null, null]);
      } finally { await a.drop(); await b.drop(); await c.drop(); }
    });
  });
}
