/**
 * Detection on a real store (SQLite, and PostgreSQL when RIO_TEST_PG is set): recorded nights
 * stored as nightly runs, a −0.02 IoU build on the last two; the alert is found on the second
 * night of the step, stored once, and the same store always gives the same alerts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds, warnIfNoPostgres, type TestStore } from '../store/test-stores.ts';
import { candidateNights, pooledNights, readAaFixture } from './aa-fixture.ts';
import { listAlerts } from '../store/nightly-alerts.ts';
import { describeState } from './detect.ts';
import { detectStoredNight, type StoredNight } from './stored-night.ts';
import { NIGHTS_BEFORE_STEP, storeIouStepHistory } from './testing-nightly-store.ts';

const nights = candidateNights(pooledNights(readAaFixture()));
warnIfNoPostgres();

for (const kind of storeKinds()) {
  describe(`nightly detection on ${kind.name}`, () => {
    let ts: TestStore;
    const results: StoredNight[] = [];
    let ids: string[] = [];
    before(async () => {
      ts = await kind.open();
      ids = await storeIouStepHistory(ts.store, nights, async (run) => { results.push(await detectStoredNight(ts.store, 'nightly', new Set([run]))); });
    });
    after(async () => { await ts?.drop(); });

    test('says "insufficient data (N of 6 nights)" until six nights are stored', () => {
      // every judged series; a vdevice's wall-time and fps series are shown, never judged
      const states = [...results[3]!.states.values()].map(describeState).filter((s) => !s.startsWith('shown, not judged'));
      assert.ok(states.length > 15 && states.every((s) => s === 'insufficient data (3 of 6 nights)'), `${states.length} judged series: ${states[0]}`);
      assert.ok([...results[NIGHTS_BEFORE_STEP - 1]!.states.values()].every((s) => s.kind !== 'insufficient'));
    });

    test('the IoU step is pending on its first night (no confirmation run here) and an alert on its second', async () => {
      const first = results[NIGHTS_BEFORE_STEP]!, second = results[NIGHTS_BEFORE_STEP + 1]!;
      // Only the IoU series are asserted: these recorded nights also carry a real host-load burst on latency (see bench:nightly).
      const deviceIou = (a: { step: { series: { scope: string; metric: string } } }) => a.step.series.scope === '*' && a.step.series.metric === 'iou_mean';
      assert.equal(first.alerts.filter(deviceIou).length, 0);
      assert.ok(first.pending.some((c) => c.series.scope === '*' && c.series.metric === 'iou_mean'));
      const device = second.alerts.find(deviceIou);
      assert.ok(device, 'the device-wide IoU series alerts');
      assert.equal(device.step.change_run_id, ids[NIGHTS_BEFORE_STEP]);
      assert.equal(device.label, 'regression');
      assert.equal(device.via, 'persistence');
      const stored = await listAlerts(ts.store, { limit: 500, offset: 0 });
      assert.equal(stored.length, results.reduce((n, r) => n + r.added, 0), "every alert stored once");
      assert.ok(stored.every((a) => a.status === 'untriaged'));
      const ofStep = stored.filter((a) => a.change_run_id === ids[NIGHTS_BEFORE_STEP] && a.direction === 'regression');
      assert.ok(ofStep.length > 1 && ofStep.every((a) => a.group_key === device.group && a.build_after === 'b'.repeat(64)), 'one group per night × build');
    });

    test('the same store gives the same alerts again and stores nothing new', async () => {
      const again = await detectStoredNight(ts.store, 'nightly', new Set([ids.at(-1)!]));
      assert.equal(again.added, 0);
      // The stored alerts restarted their series' segments: the step is inside them now, not a new alert.
      assert.deepEqual(again.alerts, []);
      const before = await listAlerts(ts.store, { limit: 500, offset: 0 });
      assert.ok(before.length > 0);
    });
  });
}
