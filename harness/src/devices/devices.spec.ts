import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestFarm } from '../../test-support/farm.ts';
import { listDevices, runDoctor, formatDeviceTable, parseBattery, parseThermalStatus, deviceState, isListening, adbClient, AdbDevice } from './index.ts';
import { RioError } from '../errors.ts';

const CLI = fileURLToPath(new URL('../../bin/rio-farm.mjs', import.meta.url));

function rioFarm(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}

test('device discovery reads identity and health over adb, and `rio-farm devices` prints them', async () => {
  const farm = await startTestFarm({ count: 2, profiles: ['pixel-7-virtual', 'low-end-go-virtual'] });
  try {
    const devices = (await listDevices(farm.adbPort)).sort((a, b) => (a.model ?? '').localeCompare(b.model ?? ''));
    assert.deepEqual(devices.map((d) => [d.model, d.sdk, d.abi, d.virtual, d.batteryLevel, d.batteryTempC, d.thermalStatus, d.state]), [
      ['Android Go Virtual', 30, 'armeabi-v7a', true, 41, 33, 0, 'device'],
      ['Pixel 7 Virtual', 34, 'arm64-v8a', true, 87, 29, 0, 'device'],
    ]);
    const table = formatDeviceTable(devices);
    assert.match(table, /^SERIAL\s+MODEL\s+SDK\s+ABI\s+KIND\s+BATTERY\s+TEMP\s+THERMAL\s+STATE$/m);
    const cli = await rioFarm(['devices'], farm.env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Pixel 7 Virtual\s+34\s+arm64-v8a\s+virtual\s+87%\s+29\.0°C\s+NONE\s+device/);
    const doctor = await rioFarm(['doctor'], farm.env);
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.match(doctor.stdout, /\[ok  \] adb installed: adb 1\.0\.\d+/);
    assert.match(doctor.stdout, /\[ok  \] devices: 2 online \(2 virtual\)/);
  } finally {
    await farm.stop();
  }
});

test('doctor fails with a fix when no adb server runs on the port; devices exits 2', async () => {
  const port = await (await import('./adb-cli.ts')).freePort();
  assert.equal(await isListening(port), false);
  const checks = await runDoctor(port);
  const server = checks.find((c) => c.name === 'adb server')!;
  assert.equal(server.ok, false);
  assert.match(server.fix!, new RegExp(`adb -P ${port} start-server`));
  const cli = await rioFarm(['devices', '--adb-port', String(port)], process.env);
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /ADB_ERROR: no adb server on port/);
  assert.equal(await isListening(port), false, 'doctor and devices never start a server by themselves');
});

test('`rio-farm vdevice start` connects devices, stays up, and disconnects them on SIGINT', async () => {
  const farm = await startTestFarm({ count: 0 });
  try {
    const child = spawn(process.execPath, [CLI, 'vdevice', 'start', '--count', '2', '--profile', 'galaxy-a54-virtual'], { env: farm.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (d) => { out += d; if (out.split('\n').length > 2) resolve(); }));
    const serials = out.trim().split('\n').map((l) => l.split('\t')[0]);
    assert.equal(serials.length, 2);
    for (const s of serials) assert.equal(await deviceState(s, farm.adbPort), 'device');
    child.kill('SIGINT');
    assert.equal(await new Promise((r) => child.on('exit', r)), 0);
    assert.equal((await farm.client.listDevices()).length, 0);
  } finally {
    await farm.stop();
  }
});

test('battery and thermal parsers read dumpsys output', () => {
  assert.deepEqual(parseBattery('  level: 55\n  scale: 100\n  temperature: 412\n'), { level: 55, tempC: 41.2 });
  assert.equal(parseThermalStatus('IsStatusOverride: false\nThermal Status: 3\n'), 3);
  assert.equal(parseThermalStatus('nothing'), undefined);
});

test('the facade reads screens within budgets: screencap, uiautomator dump, input; an over-budget or late read is cancelled', async () => {
  const farm = await startTestFarm({ count: 1 });
  const client = adbClient(farm.adbPort);
  try {
    const dev = new AdbDevice(client, farm.serials[0]!);
    const png = await dev.screencap();
    assert.equal(png.readUInt32BE(0), 0x89504e47);
    await assert.rejects(dev.screencap({ maxBytes: 64, timeoutMs: 5_000 }),
      (err: unknown) => err instanceof RioError && err.code === 'ADB_ERROR' && /exceeds 64 bytes \(transfer cancelled\)/.test(err.message));
    assert.match(await dev.uiDump(), /^<\?xml[\s\S]*<hierarchy/);
    await dev.tap(10, 10);
    assert.ok((await dev.windowSize())!.width > 0);
    // a caller's deadline on a shell call is a TIMEOUT, and the cancelled stream is closed, not left open
    await assert.rejects(dev.shell('sleep 5', 300), (err: unknown) => err instanceof RioError && err.code === 'TIMEOUT');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(client.openConnections, 0);
    assert.equal((await dev.shell('echo alive')).trim(), 'alive');
  } finally {
    client.closeAll();
    await farm.stop();
  }
});
