import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestFarm } from '../../test-support/farm.ts';
import { deviceState } from '../../src/devices/index.ts';
import { parseFault } from './faults.ts';

async function waitForState(serial: string, port: number, want: string, ms: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if ((await deviceState(serial, port)) === want) return Date.now() - t0;
    await sleep(200);
  }
  throw new Error(`${serial} did not reach ${want} within ${ms} ms`);
}

test('a timed disconnect fault is seen through adbkit as the device going away', async () => {
  const farm = await startTestFarm({ count: 1, faults: [{ kind: 'disconnect', afterSec: 1 }] });
  const serial = farm.serials[0];
  try {
    const t0 = Date.now();
    let type: string | undefined = 'device';
    while (type === 'device' && Date.now() - t0 < 10_000) {
      await sleep(100);
      type = (await farm.client.listDevices()).find((d: { id: string; type: string }) => d.id === serial)?.type;
    }
    assert.notEqual(type, 'device', 'adbkit still lists the device online');
    await assert.rejects(farm.client.getDevice(serial).shell('echo x'));
  } finally {
    await farm.stop();
  }
});

test('a disconnect at `am start` drops the device mid-command; adbkit then fails; a restarted vdevice reconnects', async () => {
  const farm = await startTestFarm({ count: 1, faults: [{ kind: 'disconnect', atEvent: 'am-start' }] });
  const serial = farm.serials[0];
  try {
    const r = await farm.adb(['-s', serial, 'shell', 'am start -W -n dev.riofarm.rio/.BenchmarkActivity']);
    assert.doesNotMatch(r.stdout, /Status: ok/);
    await sleep(500);
    const listed = await farm.client.listDevices();
    assert.notEqual(listed.find((d: { id: string; type: string }) => d.id === serial)?.type, 'device');
    await assert.rejects(farm.client.getDevice(serial).shell('echo x'));
    await farm.vdevices[0].restart();
    await waitForState(serial, farm.adbPort, 'device', 30_000);
    assert.equal((await farm.adb(['-s', serial, 'shell', 'echo back'])).stdout, 'back\n');
  } finally {
    await farm.stop();
  }
});

test('`adb reboot` restarts the device; files stay, and `adb root` is refused as on a user build', async () => {
  const farm = await startTestFarm({ count: 1 });
  const serial = farm.serials[0];
  try {
    assert.match((await farm.adb(['-s', serial, 'root'])).stdout, /adbd cannot run as root in production builds/);
    await farm.adb(['-s', serial, 'shell', 'echo kept > /sdcard/k.txt; am broadcast -a before-reboot']);
    await farm.adb(['-s', serial, 'reboot']);
    await sleep(1000);
    await waitForState(serial, farm.adbPort, 'device', 30_000);
    assert.equal((await farm.adb(['-s', serial, 'shell', 'cat /sdcard/k.txt'])).stdout, 'kept\n');
    assert.doesNotMatch((await farm.adb(['-s', serial, 'shell', 'logcat -d'])).stdout, /before-reboot/, 'the log buffer starts empty after a reboot');
  } finally {
    await farm.stop();
  }
});

test('a stall holds every answer for its duration, then the device answers again', async () => {
  const farm = await startTestFarm({ count: 1, faults: [{ kind: 'stall', atEvent: 'push', forSec: 2 }] });
  const serial = farm.serials[0];
  const dir = mkdtempSync(join(tmpdir(), 'rio-stall-'));
  try {
    writeFileSync(join(dir, 'f'), 'x');
    // the stall starts as the push completes, so the push's final OKAY is what waits
    const t0 = Date.now();
    const r = await farm.adb(['-s', serial, 'push', join(dir, 'f'), '/sdcard/f']);
    const waited = Date.now() - t0;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(waited > 1800, `push answered after ${waited} ms`);
    const t1 = Date.now();
    await farm.adb(['-s', serial, 'shell', 'echo fast']);
    assert.ok(Date.now() - t1 < 1000);
  } finally {
    await farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storage full: pushes, shell writes and installs fail as on a full phone; df shows no space', async () => {
  const farm = await startTestFarm({ count: 1, faults: [{ kind: 'storage-full' }] });
  const serial = farm.serials[0];
  const dir = mkdtempSync(join(tmpdir(), 'rio-full-'));
  try {
    writeFileSync(join(dir, 'f'), 'some bytes');
    const push = await farm.adb(['-s', serial, 'push', join(dir, 'f'), '/sdcard/f']);
    assert.notEqual(push.code, 0);
    assert.match(push.stdout + push.stderr, /No space left on device/);
    const w = await farm.adb(['-s', serial, 'shell', 'echo x > /sdcard/g']);
    assert.match(w.stderr, /No space left on device/);
    assert.match((await farm.adb(['-s', serial, 'shell', 'df /data'])).stdout, /\s0\s+100% \/data/);
    const { buildTestApk } = await import('../apps/test-apk.ts');
    writeFileSync(join(dir, 'a.apk'), await buildTestApk({ packageName: 'dev.riofarm.hello' }));
    const inst = await farm.adb(['-s', serial, 'install', join(dir, 'a.apk')]);
    assert.match(inst.stdout + inst.stderr, /INSTALL_FAILED_INSUFFICIENT_STORAGE/);
  } finally {
    await farm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a slow link adds latency to every round trip', async () => {
  const fast = await startTestFarm({ count: 1 });
  const slow = await startTestFarm({ count: 1, faults: [{ kind: 'slow-link', latencyMs: 60 }] });
  const time = async (farm: typeof fast) => {
    const d = farm.client.getDevice(farm.serials[0]);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await d.shell('echo x').then((s: NodeJS.ReadableStream) => new Promise((r) => { s.on('end', r); s.resume(); }));
    return (Date.now() - t0) / 5;
  };
  try {
    const [f, s] = [await time(fast), await time(slow)];
    // every packet the device sends waits 60 ms; a shell call needs at least two device→host legs
    // in sequence (OKAY for the OPEN, then output + CLSE), so it costs well over 60 ms more
    assert.ok(s - f >= 90, `fast ${f} ms, slow ${s} ms per shell call`);
  } finally {
    await fast.stop();
    await slow.stop();
  }
});

test('fault specs parse from the CLI form and bad ones are refused', () => {
  assert.deepEqual(parseFault('crash:frame=5,once=1'), { kind: 'crash', frame: 5, package: undefined, once: true });
  assert.deepEqual(parseFault('disconnect:after=10,down=5'), { kind: 'disconnect', afterSec: 10, atEvent: undefined, frame: undefined, downSec: 5 });
  assert.deepEqual(parseFault('stall:at=frame,frame=3,for=2'), { kind: 'stall', afterSec: undefined, atEvent: 'frame', frame: 3, forSec: 2 });
  assert.throws(() => parseFault('meteor'), /unknown fault/);
  assert.throws(() => parseFault('stall:at=lunch'), /unknown event/);
  assert.throws(() => parseFault('slow-link:latency=-1'), /must be a number/);
});
