import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { startTestFarm } from '../../test-support/farm.ts';
import { freePort } from '../../src/devices/index.ts';

async function roundTrip(port: number, text: string): Promise<string> {
  const s = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((r) => s.once('connect', r));
  s.write(text);
  await new Promise((r) => setTimeout(r, 300));
  s.destroy();
  return Buffer.concat(chunks).toString();
}

test('adb forward tcp:X tcp:PORT reaches a socket an app registered on the device, else the device\'s localhost', async () => {
  const farm = await startTestFarm({ count: 1 });
  const echo = createServer((sock) => sock.on('data', (d) => sock.write(`host:${d}`)));
  const hostPort = await freePort();
  await new Promise<void>((r) => echo.listen(hostPort, '127.0.0.1', () => r()));
  try {
    const core = farm.vdevices[0].core;
    core.ports.set(7100, (duplex) => duplex.on('data', (d: Buffer) => duplex.write(`app:${d}`)));
    const [local1, local2] = [await freePort(), await freePort()];
    assert.equal((await farm.adb(['-s', farm.serials[0], 'forward', `tcp:${local1}`, 'tcp:7100'])).code, 0);
    assert.equal((await farm.adb(['-s', farm.serials[0], 'forward', `tcp:${local2}`, `tcp:${hostPort}`])).code, 0);
    assert.equal(await roundTrip(local1, 'ping'), 'app:ping');
    assert.equal(await roundTrip(local2, 'pong'), 'host:pong');
  } finally {
    echo.close();
    await farm.stop();
  }
});
