/**
 * How `rio-farm run` handles a farm misbehaving, on vdevices through the real adb server: a device
 * that disconnects mid-scenario, an app crash, a stalled device, a hot device.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { startVirtualDevice, parseFault, type VirtualDevice } from '../../vdevice/index.ts';
import { adbConnect, adbDisconnect } from '../devices/index.ts';
import { openStore } from '../store/index.ts';
import { runSuite } from './run-suite.ts';
import { quietProgress, tempRun } from './run-test-support.ts';

let farm: TestFarm;
const tmp = tempRun();
const extra: VirtualDevice[] = [];

before(async () => {
  farm = await startTestFarm({ count: 1 });
  process.env.ANDROID_ADB_SERVER_PORT = String(farm.adbPort);
});
after(async () => {
  for (const v of extra) { await adbDisconnect(v.serial, farm.adbPort).catch(() => undefined); await v.stop().catch(() => undefined); }
  await farm?.stop();
  tmp.cleanup();
});

/** A vdevice with faults, connected to the farm's adb server. */
async function faultyDevice(...faults: string[]): Promise<VirtualDevice> {
  const v = await startVirtualDevice({ faults: faults.map(parseFault) });
  extra.push(v);
  await adbConnect(v.serial, farm.adbPort);
  return v;
}

async function retire(v: VirtualDevice): Promise<void> {
  await adbDisconnect(v.serial, farm.adbPort).catch(() => undefined);
  await v.stop().catch(() => undefined);
}

const TWO = ['daylight-wood', 'dim-dark-cloth'];

test('a vdevice disconnecting mid-scenario has its work retried on another device and the run completes', async () => {
  const bad = await faultyDevice('disconnect:at=frame,frame=1');
  const healthy = farm.serials[0]!;
  const r = await runSuite(tmp.options({ devices: [healthy, bad.serial], scenarios: TWO, reconnectWaitMs: 3000 }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const items = await store.workItems(r.runId);
    assert.ok(items.every((i) => i.status === 'done'), 'every item finished');
    assert.notEqual(r.exitCode, 2, 'no infrastructure failure left');
    const attempts = await store.attempts(r.runId);
    const failed = attempts.filter((a) => a.outcome === 'infra_error');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.serial, bad.serial);
    assert.match(failed[0]!.error_code!, /DEVICE_GONE|TIMEOUT|ADB_ERROR/);
    assert.ok(failed[0]!.logcat_path, 'the failed attempt kept its logcat excerpt');
    const badItems = items.filter((i) => i.slot_serial === bad.serial);
    for (const it of badItems) {
      const done = attempts.find((a) => a.id === it.done_attempt_id)!;
      assert.equal(done.serial, healthy, `${it.scenario_id} of the dropped device ran on the healthy one`);
    }
    const rd = (await store.runDevices(r.runId)).find((d) => d.serial === bad.serial)!;
    assert.equal(rd.status, 'failed');
    assert.ok((await store.events(r.runId)).some((e) => e.serial === bad.serial && e.kind === 'device-lost'));
  } finally { await store.close(); await retire(bad); }
});

test('an app crash is an infrastructure error, retried on the same device', async () => {
  const dev = await faultyDevice('crash:frame=1,once=true');
  const r = await runSuite(tmp.options({ devices: [dev.serial], scenarios: ['daylight-wood'] }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const attempts = await store.attempts(r.runId);
    assert.deepEqual(attempts.map((a) => [a.outcome, a.error_code, a.serial]), [['infra_error', 'APP_CRASH', dev.serial], ['ok', null, dev.serial]]);
    assert.ok((await store.workItems(r.runId)).every((i) => i.status === 'done'));
    assert.notEqual(r.exitCode, 2);
  } finally { await store.close(); await retire(dev); }
});

test('a stalled device times out, then the scenario is retried once it answers again', async () => {
  const dev = await faultyDevice('stall:at=frame,frame=1,for=6');
  const r = await runSuite(tmp.options({ devices: [dev.serial], scenarios: ['daylight-wood'], stallMs: 2000, reconnectWaitMs: 15_000 }),
    { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const attempts = await store.attempts(r.runId);
    assert.equal(attempts[0]!.outcome, 'infra_error');
    assert.equal(attempts[0]!.error_code, 'TIMEOUT');
    assert.equal(attempts.at(-1)!.outcome, 'ok');
    assert.ok((await store.workItems(r.runId)).every((i) => i.status === 'done'));
  } finally { await store.close(); await retire(dev); }
});

test('retries stop at the limit and the run reports an infrastructure failure (exit 2)', async () => {
  const dev = await faultyDevice('crash:frame=0');
  const r = await runSuite(tmp.options({ devices: [dev.serial], scenarios: ['daylight-wood'], retries: 1 }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    assert.equal(r.exitCode, 2);
    assert.equal(r.status, 'infra_failure');
    assert.equal((await store.attempts(r.runId)).length, 2);
    assert.equal((await store.workItems(r.runId))[0]!.status, 'failed');
  } finally { await store.close(); await retire(dev); }
});

test('a hot vdevice is waited for to cool down, and samples taken while hot are flagged and excluded', async () => {
  const dev = await faultyDevice('thermal:heat=100,start=40.5');
  const r = await runSuite(tmp.options({ devices: [dev.serial], scenarios: ['daylight-wood'] }), { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const events = await store.events(r.runId);
    assert.ok(events.some((e) => e.kind === 'cooldown' && e.detail?.startsWith('preflight')), 'waited for cool-down before starting');
    const samples = await store.samples(r.runId);
    assert.ok(samples.some((s) => s.phase === 'cooldown'));
    const m = await store.measurements(r.runId);
    assert.ok(m.some((x) => x.thermal_flag === 1), 'frames measured while hot are flagged');
    const aggs = await store.aggregates(r.runId);
    const flagged = aggs.filter((a) => a.lighting === '*' && a.thermal_excluded > 0);
    assert.ok(flagged.length > 0);
    for (const a of flagged) assert.equal(a.latency_n + a.thermal_excluded, m.filter((x) => x.scenario_id === a.scenario_id && !x.dropped && !x.error).length);
  } finally { await store.close(); await retire(dev); }
});

test('a device that fails health twice is quarantined and its work moves to a healthy device', async () => {
  const hot = await faultyDevice('thermal:heat=0,start=70');
  const healthy = farm.serials[0]!;
  const base = tmp.options();
  const r = await runSuite(tmp.options({ devices: [healthy, hot.serial], scenarios: ['daylight-wood'], health: { ...base.health, cooldownMaxMs: 1000 } }),
    { progress: quietProgress() });
  const store = await openStore(tmp.db);
  try {
    const rd = (await store.runDevices(r.runId)).find((d) => d.serial === hot.serial)!;
    assert.equal(rd.status, 'quarantined');
    assert.equal(rd.health_failures, 2);
    const dev = await store.getDevice(hot.serial);
    assert.ok(dev!.quarantined_until! > Date.now(), 'quarantined in the store for later runs');
    const items = await store.workItems(r.runId);
    assert.ok(items.every((i) => i.status === 'done'));
    const attempts = await store.attempts(r.runId);
    assert.ok(attempts.every((a) => a.serial === healthy), 'the quarantined device ran nothing');
    const again = await runSuite(tmp.options({ devices: 'all', scenarios: ['daylight-wood'] }), { progress: quietProgress() });
    const second = await store.runDevices(again.runId);
    assert.ok(!second.some((d) => d.serial === hot.serial), 'a later run skips the quarantined device');
  } finally { await store.close(); await retire(hot); }
});
