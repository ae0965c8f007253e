import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from './test-stores.ts';
import type { FailurePolicy } from './farm-jobs.ts';

const POLICY: FailurePolicy = { maxInfraFailures: 3, quarantineAfter: 3 };
const job = (id: string, target: string, kind: 'serial' | 'model' = 'serial') =>
  ({ id, suite: 'smoke', target_kind: kind, target, repeat_count: 1, labels_json: '{}' });

for (const kind of storeKinds()) {
  test(`${kind.name}: a claim gets a new fencing token; the old token is refused (409) after the lease is reaped`, async () => {
    const { store, drop } = await kind.open();
    try {
      await store.submitJobs([job('j1', 'phone-a')], 1000);
      const [c] = await store.claimJobs('host-1', [{ serial: 'phone-a', model: 'm' }], 10_000, 2000);
      assert.equal(c!.fence, 1);
      assert.equal(await store.markScenariosDone('j1', 1, 'host-1', 'run-1', ['s1'], 2500), 1);
      // host-1 goes silent: the lease runs out and the job is queued again
      assert.deepEqual(await store.reapExpiredLeases(POLICY, 20_000), ['j1']);
      await assert.rejects(store.markScenariosDone('j1', 1, 'host-1', 'run-1', ['s2']), (e: { code: string; httpStatus: number }) => e.code === 'CONFLICT' && e.httpStatus === 409);
      const [again] = await store.claimJobs('host-2', [{ serial: 'phone-b', model: 'x' }, { serial: 'phone-a', model: 'm' }], 10_000, 21_000);
      assert.equal(again!.fence, 2);
      assert.equal(again!.serial, 'phone-a');
      assert.deepEqual(again!.doneScenarios, ['s1'], 'a retried job knows which scenarios are already done');
      // the late host-1 cannot finish it either; host-2 can
      await assert.rejects(store.finishJob('j1', 1, 'host-1', 'passed', null, 'run-1', POLICY), /not current/);
      assert.deepEqual(await store.renewLeases('host-1', [{ id: 'j1', fence: 1 }], 10_000, 22_000), ['j1']);
      const done = await store.finishJob('j1', 2, 'host-2', 'passed', null, 'run-2', POLICY, 23_000);
      assert.equal(done.state, 'done');
      const attempts = await store.jobAttempts('j1');
      assert.deepEqual(attempts.map((a) => [a.host, a.outcome]).sort(), [['host-1', 'lease_expired'], ['host-2', 'passed']]);
    } finally { await drop(); }
  });

  test(`${kind.name}: one device runs one job at a time, whichever host offers it; model jobs go to any device of the model`, async () => {
    const { store, drop } = await kind.open();
    try {
      await store.submitJobs([job('a', 'shared-serial'), job('b', 'shared-serial'), job('m', 'pixel', 'model')], 1000);
      const first = await store.claimJobs('host-1', [{ serial: 'shared-serial', model: 'pixel' }], 10_000, 2000);
      const second = await store.claimJobs('host-2', [{ serial: 'shared-serial', model: 'pixel' }], 10_000, 2000);
      assert.deepEqual(first.map((c) => c.job.id), ['a']);
      assert.deepEqual(second, [], 'the device is busy with host-1');
      const other = await store.claimJobs('host-2', [{ serial: 'other', model: 'pixel' }], 10_000, 2000);
      assert.deepEqual(other.map((c) => c.job.id), ['m']);
    } finally { await drop(); }
  });

  test(`${kind.name}: bounded infrastructure retries end in dead-letter with each attempt's error; three failures in a row quarantine the phone`, async () => {
    const { store, drop } = await kind.open();
    try {
      await store.submitJobs([job('j', 'flaky')], 1000);
      for (let i = 1; i <= 3; i++) {
        const [c] = await store.claimJobs('h', [{ serial: 'flaky', model: 'm' }], 10_000, 1000 + i);
        assert.ok(c, `claim ${i}`);
        await store.finishJob('j', c.fence, 'h', 'infra_failure', `DEVICE_GONE: try ${i}`, null, POLICY, 1000 + i);
      }
      const j = await store.getJob('j');
      assert.equal(j!.state, 'dead');
      assert.match(j!.dead_reason!, /3 infrastructure failures.*try 3/);
      assert.deepEqual((await store.jobAttempts('j')).map((a) => a.error).sort(), ['DEVICE_GONE: try 1', 'DEVICE_GONE: try 2', 'DEVICE_GONE: try 3']);
      assert.deepEqual([...await store.quarantinedSerials(['flaky', 'fine'])], ['flaky']);
      await store.submitJobs([job('k', 'flaky')], 5000);
      assert.deepEqual(await store.claimJobs('h', [{ serial: 'flaky', model: 'm' }], 10_000, 5001), [], 'a quarantined phone gets no work');
      assert.ok(await store.releaseQuarantine('flaky'));
      assert.equal((await store.claimJobs('h', [{ serial: 'flaky', model: 'm' }], 10_000, 5002)).length, 1);
    } finally { await drop(); }
  });
}
