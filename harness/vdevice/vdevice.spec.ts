import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import adbkit from '@devicefarmer/adbkit';
import { startTestFarm, type TestFarm } from '../test-support/farm.ts';
import { listDevices } from '../src/devices/index.ts';

const { Adb } = adbkit;

test('four vdevices with different profiles are online at once with their profile props in `adb devices -l`', async () => {
  const farm = await startTestFarm({ count: 4, profiles: ['pixel-7-virtual', 'galaxy-a54-virtual', 'low-end-go-virtual'] });
  try {
    const out = (await farm.adb(['devices', '-l'])).stdout;
    for (const s of farm.serials) assert.match(out, new RegExp(`${s.replace(/\./g, '\\.')}\\s+device product:`));
    assert.match(out, /model:Pixel_7_Virtual device:panther_virtual/);
    assert.match(out, /product:a54x_rio_virtual model:Galaxy_A54_Virtual/);
    assert.match(out, /model:Android_Go_Virtual/);
    const listed = await farm.client.listDevices();
    assert.deepEqual(listed.map((d: { id: string }) => d.id).sort(), [...farm.serials].sort());
    // every device answers shell commands concurrently
    const models = await Promise.all(farm.serials.map(async (s) =>
      (await Adb.util.readAll(await farm.client.getDevice(s).shell('getprop ro.product.model'))).toString().trim()));
    assert.deepEqual(models, ['Pixel 7 Virtual', 'Galaxy A54 Virtual', 'Android Go Virtual', 'Pixel 7 Virtual']);
  } finally {
    await farm.stop();
  }
});

test('the test farm leaves no adb server behind', async () => {
  const farm = await startTestFarm({ count: 1 });
  const port = farm.adbPort;
  await farm.stop();
  const { isListening } = await import('../src/devices/index.ts');
  assert.equal(await isListening(port), false);
});

let farm: TestFarm;
let serial: string;
before(async () => {
  farm = await startTestFarm({ count: 1, profile: 'galaxy-a54-virtual' });
  serial = farm.serials[0];
});
after(async () => farm?.stop());

async function sh(cmd: string): Promise<string> {
  return (await Adb.util.readAll(await farm.client.getDevice(serial).shell(cmd))).toString('utf8');
}

test('adbkit reads properties, features and identity; the device labels itself virtual', async () => {
  const d = farm.client.getDevice(serial);
  const props = await d.getProperties();
  assert.equal(props['ro.product.model'], 'Galaxy A54 Virtual');
  assert.equal(props['ro.build.version.sdk'], '33');
  assert.equal(props['ro.product.cpu.abi'], 'arm64-v8a');
  assert.equal(props['ro.rio.virtual'], '1');
  const features = await d.getFeatures();
  assert.equal(features['android.hardware.camera'], true);
  await d.waitBootComplete();
  const [summary] = await listDevices(farm.adbPort);
  assert.equal(summary.virtual, true);
  assert.equal(summary.batteryLevel, 64);
  assert.equal(summary.batteryTempC, 31);
  assert.equal(summary.thermalStatus, 0);
});

test('binary logcat through adbkit openLogcat delivers new entries with tag, priority and message', async () => {
  const d = farm.client.getDevice(serial);
  const reader = await d.openLogcat({ clear: true });
  const seen = new Promise<{ tag: string; message: string; priority: number }>((resolve, reject) => {
    reader.on('entry', (e: { tag: string; message: string; priority: number }) => { if (e.tag === 'ActivityManager' && /Broadcast/.test(e.message)) resolve(e); });
    reader.on('error', reject);
  });
  await sh('am broadcast -a dev.riofarm.PING');
  const entry = await seen;
  reader.end();
  assert.equal(entry.priority, 4);
  assert.match(entry.message, /dev\.riofarm\.PING/);
});

test('logcat -d -v threadtime with tag filters, -c clears, and streaming logcat ends when the client closes', async () => {
  await sh('logcat -c');
  await sh('am broadcast -a one');
  const dump = await sh('logcat -d -v threadtime ActivityManager:I *:S');
  assert.match(dump, /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+\d+\s+\d+ I ActivityManager: Broadcast one/m);
  assert.doesNotMatch(dump, /SystemServer/);
  assert.equal((await sh('logcat -d -s NOPE')).trim(), '');
  const stream = await farm.client.getDevice(serial).shell('logcat -v brief ActivityManager:I *:S');
  const chunks: Buffer[] = [];
  const got = new Promise<void>((resolve) => stream.on('data', (c: Buffer) => { chunks.push(c); if (/two/.test(Buffer.concat(chunks).toString())) resolve(); }));
  await sh('am broadcast -a two');
  await got;
  stream.end();
  assert.match(Buffer.concat(chunks).toString(), /^I\/ActivityManager\(\s*\d+\): Broadcast two/m);
});

test('dumpsys, settings, wm size, df and getprop/setprop answer like a phone', async () => {
  assert.match(await sh('dumpsys battery'), /level: 64\n\s+scale: 100/);
  assert.match(await sh('dumpsys battery'), /temperature: 310/);
  assert.match(await sh('dumpsys thermalservice'), /^Thermal Status: 0$/m);
  assert.equal(await sh('wm size'), 'Physical size: 1080x2340\n');
  assert.equal(await sh('settings put global rio_flag 7; settings get global rio_flag; settings get global nope'), '7\nnull\n');
  assert.match(await sh('df /data'), /^Filesystem\s+1K-blocks\s+Used\s+Available Use% Mounted on\n\/dev\/block\/dm-5\s+2097152\s/);
  assert.equal(await sh('setprop debug.rio 1; getprop debug.rio; setprop ro.product.model X; getprop ro.product.model'),
    "1\nsetprop: failed to set property 'ro.product.model' to 'X'\nGalaxy A54 Virtual\n");
});

test('screencap -p returns a real PNG of the screen size and uiautomator dumps the launcher', async () => {
  const png = await Adb.util.readAll(await farm.client.getDevice(serial).screencap());
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.equal(png.readUInt32BE(16), 1080);
  assert.equal(png.readUInt32BE(20), 2340);
  assert.equal(await sh('uiautomator dump'), 'UI hierchary dumped to: /sdcard/window_dump.xml\n');
  assert.match(await sh('cat /sdcard/window_dump.xml'), /^<\?xml[^]*<hierarchy [^>]*rotation="0"[^>]*>\s*<node [^]*package="com.android.launcher3"/);
});
