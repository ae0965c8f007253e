/**
 * The vdevice keeps its limits against a client that does not (through the real adb server where
 * a client can reach it that way): shell-protocol frame length, streams per connection, host
 * connections, and `pm install -S` sizes within the storage quota. Also the sync LST2 answer id,
 * which @yume-chan/adb checks.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { openDeviceService, readExactly, type DeviceService } from '../../test-support/device-service.ts';
import { Cmd, encodePacket } from '../transport/packet.ts';
import { MAX_STREAMS_PER_CONNECTION } from '../transport/connection.ts';
import { MAX_CONNECTIONS } from '../device/virtual-device.ts';
import { MAX_SHELL_V2_FRAME } from './shell-service.ts';

let farm: TestFarm;
let serial: string;
before(async () => {
  farm = await startTestFarm({ count: 1 });
  serial = farm.serials[0]!;
});
after(async () => farm?.stop());

const open = (service: string) => openDeviceService(farm.adbPort, serial, service);
const echoStillWorks = async () => assert.equal((await farm.adb(['-s', serial, 'shell', 'echo still-here'])).stdout, 'still-here\n');

function syncRequest(id: string, path: string): Buffer {
  const p = Buffer.from(path);
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(p.length, 4);
  return Buffer.concat([head, p]);
}

test('sync LST2 is answered with id LST2 and STA2 with STA2, both 72 bytes', async () => {
  const sync = await open('sync:');
  try {
    for (const id of ['LST2', 'STA2']) {
      sync.socket.write(syncRequest(id, '/sdcard'));
      const reply = await readExactly(sync.socket, 72, sync.pending);
      assert.equal(reply.toString('latin1', 0, 4), id);
      assert.equal(reply.readUInt32LE(4), 0, 'no error for an existing folder');
      assert.equal(reply.readUInt32LE(24) & 0o170000, 0o040000, 'mode says directory');
    }
    sync.socket.write(syncRequest('LST2', '/sdcard/missing'));
    const missing = await readExactly(sync.socket, 72, sync.pending);
    assert.equal(missing.toString('latin1', 0, 4), 'LST2');
    assert.equal(missing.readUInt32LE(4), 2, 'ENOENT');
  } finally { sync.socket.destroy(); }
});

test(`a shell-protocol frame longer than ${MAX_SHELL_V2_FRAME} bytes closes that stream only`, async () => {
  const shell = await open('shell,v2,raw:cat');
  const header = Buffer.alloc(5);
  header[0] = 0; // stdin
  header.writeUInt32LE(MAX_SHELL_V2_FRAME + 1, 1);
  shell.socket.write(Buffer.concat([header, Buffer.alloc(1024)]));
  await shell.closed;
  // a frame at the limit is fine: cat echoes it back framed as stdout
  const ok = await open('shell,v2,raw:cat');
  const body = Buffer.from('abc');
  const frame = Buffer.alloc(5);
  frame.writeUInt32LE(body.length, 1);
  ok.socket.write(Buffer.concat([frame, body]));
  const out = await readExactly(ok.socket, 8, ok.pending);
  assert.equal(out[0], 1);
  assert.equal(out.subarray(5).toString(), 'abc');
  ok.socket.destroy();
  await echoStillWorks();
});

test(`one connection holds at most ${MAX_STREAMS_PER_CONNECTION} open streams; more are refused until one closes`, async () => {
  const held: DeviceService[] = [];
  try {
    // the adb server's own connection carries every client stream, so these all count
    for (let i = 0; i < MAX_STREAMS_PER_CONNECTION; i++) held.push(await open('shell:cat'));
    await assert.rejects(open('shell:cat'), /ended|refused|closed/);
    held.pop()!.socket.destroy();

  } finally {
    for (const s of held) s.socket.destroy();
  }
  // the device frees the slots when the host closes the streams
  let answered = false;
  for (let i = 0; i < 50 && !answered; i++) {
    answered = await farm.adb(['-s', serial, 'shell', 'echo back']).then((r) => r.stdout === 'back\n');
    if (!answered) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(answered, 'streams are served again after the host closed its streams');
});

test(`the device serves at most ${MAX_CONNECTIONS} host connections; more are closed at once`, async () => {
  const port = farm.vdevices[0]!.port;
  const cnxn = encodePacket(Cmd.CNXN, 0x01000001, 1024 * 1024, Buffer.from('host::\0'));
  const sockets: Socket[] = [];
  const handshake = (s: Socket) => new Promise<boolean>((resolve) => {
    s.once('data', (c: Buffer) => resolve(c.readUInt32LE(0) === Cmd.CNXN));
    s.once('close', () => resolve(false));
    s.on('error', () => {});
    s.write(cnxn);
  });
  try {
    const answered: boolean[] = [];
    // the adb server already holds one connection
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const s = connect({ host: '127.0.0.1', port });
      sockets.push(s);
      answered.push(await handshake(s));
    }
    assert.deepEqual(answered, [...Array(MAX_CONNECTIONS - 1).fill(true), false]);
    await echoStillWorks();
  } finally {
    for (const s of sockets) s.destroy();
  }
});

test('pm install -S larger than the free storage fails with INSTALL_FAILED_INSUFFICIENT_STORAGE before reading the stream', async () => {
  const free = farm.vdevices[0]!.core.fs.free;
  const r = await farm.adb(['-s', serial, 'shell', `pm install -S ${free + 1}`]);
  assert.match(r.stdout, /^Failure \[INSTALL_FAILED_INSUFFICIENT_STORAGE: \d+ bytes requested, \d+ available\]\n$/);
  assert.equal(r.code, 1);
  const streamed = await farm.adb(['-s', serial, 'shell', 'cmd package install -S 4 < /dev/null']);
  assert.match(streamed.stdout, /INSTALL_FAILED_INVALID_APK: the APK stream ended early/, 'a size within the quota still reads the stream');
});
