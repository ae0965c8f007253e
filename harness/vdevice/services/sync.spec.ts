import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import { loadProfile } from '../index.ts';

const MB50 = 50 * 1024 * 1024;
let farm: TestFarm;
let serial: string;
let dir: string;
let src: string;
let srcSha: string;

before(async () => {
  farm = await startTestFarm({ count: 1 });
  serial = farm.serials[0];
  dir = mkdtempSync(join(tmpdir(), 'rio-sync-'));
  src = join(dir, 'big.bin');
  const data = randomBytes(MB50);
  writeFileSync(src, data);
  srcSha = createHash('sha256').update(data).digest('hex');
});
after(async () => {
  await farm?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const deviceSha = async (path: string) => (await farm.adb(['-s', serial, 'shell', `sha256sum ${path}`])).stdout.split(' ')[0];

test('adb push and pull 50 MB into missing nested folders keep the bytes (sha256 both ways)', async () => {
  const push = await farm.adb(['-s', serial, 'push', src, '/sdcard/deep/er/big.bin']);
  assert.equal(push.code, 0, push.stderr);
  assert.equal(await deviceSha('/sdcard/deep/er/big.bin'), srcSha);
  const back = join(dir, 'back-cli.bin');
  const pull = await farm.adb(['-s', serial, 'pull', '/sdcard/deep/er/big.bin', back]);
  assert.equal(pull.code, 0, pull.stderr);
  assert.equal(sha(back), srcSha);
});

test('adbkit push and pull 50 MB keep the bytes and stat reports size and mode', async () => {
  const d = farm.client.getDevice(serial);
  const transfer = await d.push(createReadStream(src), '/data/local/tmp/n1/n2/big.bin');
  await new Promise((resolve, reject) => { transfer.on('end', resolve); transfer.on('error', reject); });
  assert.equal(await deviceSha('/data/local/tmp/n1/n2/big.bin'), srcSha);
  const st = await d.stat('/data/local/tmp/n1/n2/big.bin');
  assert.equal(st.size, MB50);
  assert.equal(st.isFile(), true);
  // (adbkit's util.readAll concatenates quadratically; hash the stream instead)
  const pull = await d.pull('/data/local/tmp/n1/n2/big.bin');
  const h = createHash('sha256');
  pull.on('data', (c: Buffer) => h.update(c));
  await new Promise((resolve, reject) => { pull.on('end', resolve); pull.on('error', reject); });
  assert.equal(h.digest('hex'), srcSha);
});

test('listing (LIST via adbkit, LIS2 via adb ls) and stat of missing paths behave as on a phone', async () => {
  const d = farm.client.getDevice(serial);
  await farm.adb(['-s', serial, 'shell', 'mkdir -p /sdcard/l/sub; echo abc > /sdcard/l/f.txt']);
  const entries = await d.readdir('/sdcard/l');
  assert.deepEqual(entries.map((e: { name: string }) => e.name).sort(), ['f.txt', 'sub']);
  assert.equal(entries.find((e: { name: string; size: number }) => e.name === 'f.txt')!.size, 4);
  const ls = await farm.adb(['-s', serial, 'ls', '/sdcard/l']);
  assert.match(ls.stdout, /^000081a4 00000004 [0-9a-f]{8} f\.txt$/m);
  assert.match(ls.stdout, /^000041ed [0-9a-f]{8} [0-9a-f]{8} sub$/m);
  await assert.rejects(d.stat('/sdcard/nothing'), /ENOENT|No such file/);
  const pull = await farm.adb(['-s', serial, 'pull', '/sdcard/nothing', join(dir, 'x')]);
  assert.notEqual(pull.code, 0);
  assert.match(pull.stdout + pull.stderr, /No such file or directory/);
});

test('a push outside the device root is refused', async () => {
  const small = join(dir, 'small.txt');
  writeFileSync(small, 'x');
  const r = await farm.adb(['-s', serial, 'push', small, '/sdcard/../../escape.txt']);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /Permission denied/);
});

test('the storage quota of the profile bounds pushes; freeing space makes room again', async () => {
  const tiny = await startTestFarm({ count: 1, profile: { ...loadProfile('low-end-go-virtual'), storageMb: 8 } });
  const s = tiny.serials[0];
  try {
    const five = join(dir, 'five.bin');
    writeFileSync(five, Buffer.alloc(5 * 1024 * 1024, 1));
    assert.equal((await tiny.adb(['-s', s, 'push', five, '/sdcard/a.bin'])).code, 0);
    const second = await tiny.adb(['-s', s, 'push', five, '/sdcard/b.bin']);
    assert.notEqual(second.code, 0);
    assert.match(second.stdout + second.stderr, /No space left on device/);
    assert.match((await tiny.adb(['-s', s, 'shell', 'ls /sdcard'])).stdout, /a\.bin/);
    assert.doesNotMatch((await tiny.adb(['-s', s, 'shell', 'ls /sdcard'])).stdout, /b\.bin/, 'a failed push leaves no partial file');
    await tiny.adb(['-s', s, 'shell', 'rm /sdcard/a.bin']);
    assert.equal((await tiny.adb(['-s', s, 'push', five, '/sdcard/b.bin'])).code, 0);
  } finally {
    await tiny.stop();
  }
});
