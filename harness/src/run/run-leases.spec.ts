/**
 * A harness that loses a device's lease mid-run (another harness took it over) starts no more work
 * on that device: its remaining scenarios go to the other device, and the new holder keeps the lease.
 * Real store, real adb server, two vdevices.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { openStore } from '../store/index.ts';
import { runSuite } from './run-suite.ts';
import { quietProgress, tempRun } from './run-test-support.ts';

let farm: TestFarm;
const tmp = tempRun();

before(async () => {
  farm = await startTestFarm({ count: 2 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => { await farm?.stop(); tmp.cleanup(); });

const SCENARIOS = ['daylight-wood', 'dim-dark-cloth', 'glare-glossy', 'night-portrait', 'shadow-finger', 'tungsten-clutter'];

test('a device whose lease another harness took over runs nothing more; its work moves to the other device', async () => {
  const [lost, kept] = farm.serials as [string, string];
  const other = await openStore(tmp.db); // the other harness, on its own connection
  try {
    const running = runSuite(tmp.options({ devices: [lost, kept], scenarios: SCENARIOS }), { progress: quietProgress() });
    let attemptsAtTakeOver = -1;
    for (let i = 0; i < 2400 && attemptsAtTakeOver < 0; i++) {
      const ok = await other.db.all<{ n: number }>("SELECT COUNT(*) AS n FROM attempts WHERE serial = ? AND outcome = 'ok'", [lost]);
      if (Number(ok[0]!.n) >= 1) {
        await other.db.run('UPDATE leases SET run_id = ?, holder = ? WHERE serial = ?', ['r-other-harness', 'farm-host-2:4242', lost]);
        attemptsAtTakeOver = Number((await other.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM attempts WHERE serial = ?', [lost]))!.n);
      } else await sleep(25);
    }
    assert.ok(attemptsAtTakeOver >= 1, 'the device ran a scenario before it lost its lease');
    const r = await running;

    const attempts = await other.attempts(r.runId);
    const onLost = attempts.filter((a) => a.serial === lost);
    // One attempt may have been starting at the very moment of the take-over; none after it.
    assert.ok(onLost.length <= attemptsAtTakeOver + 1, `${onLost.length} attempts on the lost device, ${attemptsAtTakeOver} before the take-over`);
    assert.ok(onLost.length < SCENARIOS.length, 'it stopped before finishing its own work');
    const items = await other.workItems(r.runId);
    assert.ok(items.every((i) => i.status === 'done'), 'every scenario still ran');
    const moved = items.filter((i) => i.slot_serial === lost && attempts.find((a) => a.id === i.done_attempt_id)?.serial === kept);
    assert.ok(moved.length > 0, 'the lost device\'s scenarios ran on the other device');
    const rd = (await other.runDevices(r.runId)).find((d) => d.serial === lost)!;
    assert.equal(rd.status, 'failed');
    assert.match(rd.error_message!, /lease lost: taken over by run r-other-harness \(farm-host-2:4242\)/);
    assert.ok((await other.events(r.runId)).some((e) => e.serial === lost && e.kind === 'lease-lost'));
    assert.deepEqual((await other.listLeases()).map((l) => [l.serial, l.run_id]), [[lost, 'r-other-harness']],
      'the new holder keeps its lease; the run released only its own');
  } finally { await other.close(); }
});
