/**
 * One rule for "virtual": a rio vdevice or an Android emulator. An emulator whose properties say
 * so (ro.kernel.qemu=1, no ro.rio.virtual) must be virtual in `rio-farm devices`, in the store and
 * on the dashboard — its results never joining a real phone's series.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { startCli } from '../../test-support/cli-process.ts';
import { openStore } from '../store/index.ts';
import { buildServer } from '../../../server/src/app.ts';
import { isVirtualDevice, runsHostTwin } from './virtual-device.js';
import { listDevices } from './discovery.ts';

test('a vdevice and every standard emulator marker count as virtual; a phone does not', () => {
  const phone = { 'ro.product.model': 'Pixel 7', 'ro.hardware': 'panther', 'ro.kernel.qemu': '0' };
  assert.equal(isVirtualDevice(phone), false);
  assert.equal(isVirtualDevice({ ...phone, 'ro.rio.virtual': '1' }), true);
  assert.equal(isVirtualDevice({ ...phone, 'ro.kernel.qemu': '1' }), true);
  assert.equal(isVirtualDevice({ ...phone, 'ro.boot.qemu': '1' }), true);
  assert.equal(isVirtualDevice({ ...phone, 'ro.hardware': 'ranchu' }), true);
  assert.equal(isVirtualDevice({ ...phone, 'ro.hardware': 'goldfish' }), true);
  assert.equal(isVirtualDevice({ ...phone, 'ro.hardware': 'goldfish_arm64_phone' }), false, 'a board merely named like one is not');
  assert.equal(runsHostTwin({ 'ro.kernel.qemu': '1' }), false, 'an emulator runs the real APK, not the host twin');
});

let farm: TestFarm;
let dir: string;
before(async () => {
  farm = await startTestFarm({ count: 1, profile: 'android-emulator-virtual' });
  dir = mkdtempSync(join(tmpdir(), 'rio-emulator-'));
});
after(async () => { await farm?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('an emulator is virtual in `rio-farm devices`, in the store and on the dashboard', { timeout: 600_000 }, async () => {
  const serial = farm.serials[0]!;
  const props = await farm.client.getDevice(serial).getProperties();
  assert.equal(props['ro.kernel.qemu'], '1');
  assert.equal(props['ro.rio.virtual'], undefined, 'the profile looks like an emulator: no rio marker');

  const [listed] = await listDevices(farm.adbPort);
  assert.equal(listed?.virtual, true);
  const devices = startCli(['devices'], farm.env);
  assert.equal((await devices.exited).code, 0, devices.stderr);
  assert.match(devices.stdout, /sdk_gphone64_arm64\s+34\s+arm64-v8a\s+virtual\s/);

  const db = `sqlite:${join(dir, 'rio-farm.db')}`;
  const out = join(dir, 'report');
  const run = startCli(['run', '--suite', 'smoke', '--scenario', 'daylight-wood', '--devices', serial, '--db', db, '--out', out, '--warmup', '0'], farm.env);
  const exit = await run.exited;
  assert.ok(exit.code === 0 || exit.code === 1, `the run finished (0 pass, 1 product verdict), got ${exit.code}: ${run.stderr.slice(-2000)}`);
  const runId = (JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { run: { id: string } }).run.id;

  const store = await openStore(db);
  try {
    const [stored] = await store.runDevices(runId);
    assert.equal(stored?.serial, serial);
    assert.equal(stored?.virtual, 1, 'the emulator\'s results are stored as a virtual device\'s');
    assert.equal((await store.listDevices()).find((d) => d.serial === serial)?.virtual, 1);

    const app = await buildServer({ store, scenarioCacheDir: dir, reportsDir: dir, logger: false });
    try {
      const api = await app.inject({ method: 'GET', url: '/api/devices' });
      const dev = (api.json() as { devices: { serial: string; virtual: boolean }[] }).devices.find((d) => d.serial === serial);
      assert.equal(dev?.virtual, true);
      const page = await app.inject({ method: 'GET', url: `/devices/${encodeURIComponent(serial)}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<span class="badge virtual">virtual<\/span> <b>Google sdk_gphone64_arm64<\/b>/);
      assert.doesNotMatch(page.body, /badge real/);
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
});
