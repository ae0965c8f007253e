import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFarm } from '../../test-support/farm.ts';
import { adbClient, AdbDevice } from './index.ts';
import { RioError } from '../errors.ts';

test('pushMany sends a batch of files and bytes over one pipelined sync session, byte for byte', async () => {
  const farm = await startTestFarm({ count: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'rio-sync-push-'));
  try {
    const adb = new AdbDevice(adbClient(farm.adbPort), farm.serials[0]!);
    // sizes around the 64 KiB DATA limit, the 1 MiB read block (16 packets) and an empty file: chunking edges
    const MiB = 1024 * 1024;
    const sizes = [0, 1, 65_535, 65_536, 65_537, 200_000, 3 * 65_536, MiB - 1, MiB, MiB + 1, 2 * MiB + 65_536 + 7];
    const files = sizes.map((n, i) => { const p = join(dir, `f${i}.bin`); const b = randomBytes(n); writeFileSync(p, b); return { p, b }; });
    const bytes = randomBytes(70_000);
    let acked = 0;
    await adb.pushMany([...files.map((f, i) => ({ from: f.p, to: `/sdcard/batch/sub/f${i}.bin` })), { from: bytes, to: '/sdcard/batch/mem.bin' }], () => acked++);
    assert.equal(acked, sizes.length + 1);
    for (const [i, f] of files.entries()) assert.ok((await adb.pull(`/sdcard/batch/sub/f${i}.bin`, { maxBytes: 4e6, timeoutMs: 10_000 })).equals(f.b), `file ${i} (${sizes[i]} bytes)`);
    assert.ok((await adb.pull('/sdcard/batch/mem.bin', { maxBytes: 1e6, timeoutMs: 10_000 })).equals(bytes));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await farm.stop();
  }
});

test('a file the device refuses fails the batch naming that file', async () => {
  const farm = await startTestFarm({ count: 1 });
  try {
    const adb = new AdbDevice(adbClient(farm.adbPort), farm.serials[0]!);
    await adb.shell('mkdir -p /sdcard/clash && echo x > /sdcard/clash/file');
    // a path under a regular file cannot be created
    const err = await adb.pushMany([{ from: Buffer.from('a'), to: '/sdcard/ok.bin' }, { from: Buffer.from('b'), to: '/sdcard/clash/file/under.bin' }])
      .then(() => null, (e: unknown) => e);
    assert.ok(err instanceof RioError, String(err));
    assert.match(err.message, /\/sdcard\/clash\/file\/under\.bin/);
  } finally {
    await farm.stop();
  }
});

test('a host file that cannot be read fails the push naming it, after the files before it', async () => {
  const farm = await startTestFarm({ count: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'rio-sync-push-'));
  try {
    const adb = new AdbDevice(adbClient(farm.adbPort), farm.serials[0]!);
    const ok = join(dir, 'ok.bin');
    writeFileSync(ok, randomBytes(300_000));
    const missing = join(dir, 'missing.bin');
    const err = await adb.pushMany([{ from: ok, to: '/sdcard/m/ok.bin' }, { from: missing, to: '/sdcard/m/missing.bin' }]).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof Error, String(err));
    assert.match(err.message, /missing\.bin/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await farm.stop();
  }
});
