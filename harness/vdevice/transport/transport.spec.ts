import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { generateKeyPairSync, privateEncrypt, constants, type KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestFarm } from '../../test-support/farm.ts';
import { startVirtualDevice } from '../index.ts';
import { adbConnect, deviceState, runAdb, ensureAdbServer, killAdbServer, adbDisconnect } from '../../src/devices/index.ts';
import { Cmd, encodePacket } from './packet.ts';
import { parseAdbPublicKey, verifyTokenSignature, newToken } from './auth.ts';

/** Opens a raw TCP connection to the device, sends `bytes`, and reports whether the device closed it. */
async function closedAfter(port: number, bytes: Buffer[]): Promise<{ closed: boolean; received: Buffer }> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  for (const b of bytes) socket.write(b);
  const result = await Promise.race([closed, sleep(1500).then(() => false)]);
  socket.destroy();
  return { closed: result, received: Buffer.concat(chunks) };
}

const cnxn = encodePacket(Cmd.CNXN, 0x01000001, 1024 * 1024, Buffer.from('host::\0'));

test('a malformed packet (bad magic, 2 GB length, garbage) closes only that connection; the device keeps serving', async () => {
  const farm = await startTestFarm({ count: 1 });
  try {
    const port = farm.vdevices[0].port;
    const badMagic = encodePacket(Cmd.OPEN, 1, 0, Buffer.from('shell:id\0'));
    badMagic.writeUInt32LE(0x12345678, 20);
    const huge = encodePacket(Cmd.WRTE, 1, 1);
    huge.writeUInt32LE(0x80000000, 12);
    const garbage = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(4));
    for (const bad of [badMagic, huge, garbage]) {
      const r = await closedAfter(port, [cnxn, bad]);
      assert.equal(r.closed, true, 'the device drops the bad connection');
      assert.equal(r.received.readUInt32LE(0), Cmd.CNXN, 'the handshake before the bad packet was answered');
    }
    // an OPEN with an unknown service is refused with CLSE, not a crash
    const open = encodePacket(Cmd.OPEN, 7, 0, Buffer.from('no-such-service:\0'));
    const refused = await closedAfter(port, [cnxn, open]);
    assert.equal(refused.closed, false);
    assert.equal(refused.received.readUInt32LE(refused.received.length - 24), Cmd.CLSE);
    // the adb server's own connection was never disturbed
    const r = await farm.adb(['-s', farm.serials[0], 'shell', 'echo still-here']);
    assert.equal(r.stdout, 'still-here\n');
    assert.equal(farm.vdevices[0].connectionCount, 1);
  } finally {
    await farm.stop();
  }
});

/** Android's adbkey.pub encoding of an RSA public key (the inverse of parseAdbPublicKey). */
function encodeAdbPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as { n: string; e: string };
  const n = BigInt('0x' + Buffer.from(jwk.n, 'base64url').toString('hex'));
  const words = 64;
  const r = 1n << 2048n;
  const n0inv = (1n << 32n) - modInverse(n % (1n << 32n), 1n << 32n);
  const le = (v: bigint) => Buffer.from(v.toString(16).padStart(512, '0'), 'hex').reverse();
  const struct = Buffer.alloc(4 + 4 + 256 + 256 + 4);
  struct.writeUInt32LE(words, 0);
  struct.writeUInt32LE(Number(n0inv), 4);
  le(n).copy(struct, 8);
  le((r * r) % n).copy(struct, 264);
  struct.writeUInt32LE(Number(BigInt('0x' + Buffer.from(jwk.e, 'base64url').toString('hex'))), 520);
  return `${struct.toString('base64')} test@rio`;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r, oldS, s] = [a, m, 1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

test('AUTH signatures verify against an adbkey.pub-format key and fail for another key or token', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const key = parseAdbPublicKey(encodeAdbPublicKey(publicKey));
  const token = newToken();
  // what the adb host does: RSA_sign(NID_sha1, token) = PKCS#1 v1.5 over SHA-1 DigestInfo + token
  const sign = (k: KeyObject, t: Buffer) => privateEncrypt({ key: k, padding: constants.RSA_PKCS1_PADDING },
    Buffer.concat([Buffer.from('3021300906052b0e03021a05000414', 'hex'), t]));
  assert.equal(verifyTokenSignature(key, token, sign(privateKey, token)), true);
  assert.equal(verifyTokenSignature(key, token, sign(other.privateKey, token)), false);
  assert.equal(verifyTokenSignature(key, newToken(), sign(privateKey, token)), false);
  assert.throws(() => parseAdbPublicKey('bm90IGEga2V5 x'), /bad length|too short/);
});

test('with AUTH on, the real adb server signs in with ~/.android/adbkey; a device trusting another key stays unauthorized', async () => {
  const farm = await startTestFarm({ count: 1, auth: true });
  try {
    assert.equal(await deviceState(farm.serials[0], farm.adbPort), 'device');
    assert.equal((await farm.adb(['-s', farm.serials[0], 'shell', 'echo authed'])).stdout, 'authed\n');
  } finally {
    await farm.stop();
  }
  const stranger = encodeAdbPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
  const port = await ensureAdbServer(0);
  const device = await startVirtualDevice({ authorizedKeys: [stranger] });
  try {
    await assert.rejects(adbConnect(device.serial, port, 4000), /did not come online/);
    assert.equal(await deviceState(device.serial, port), 'unauthorized');
    assert.notEqual((await runAdb(['-s', device.serial, 'shell', 'echo no'], port)).code, 0);
  } finally {
    await adbDisconnect(device.serial, port);
    await device.stop();
    await killAdbServer(port);
  }
});
