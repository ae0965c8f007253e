import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceFs } from './device-fs.ts';

test('device paths map under the root; `..` and host paths are refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'rio-fs-'));
  try {
    const fs = new DeviceFs(root, 1024);
    assert.equal(fs.hostPath('/sdcard/a.txt'), join(root, 'sdcard/a.txt'));
    assert.equal(fs.hostPath('b', '/data/local/tmp'), join(root, 'data/local/tmp/b'));
    assert.equal(fs.normalize('/sdcard//x/./y/'), '/sdcard/x/y');
    for (const bad of ['/sdcard/../../etc/passwd', '../x', `${root}/sdcard/a`, 'a\0b']) {
      assert.throws(() => fs.hostPath(bad), /Permission denied|Invalid argument/, bad);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the quota counts writes, overwrites and deletes, and refuses growth past capacity', () => {
  const root = mkdtempSync(join(tmpdir(), 'rio-fs-'));
  try {
    const fs = new DeviceFs(root, 100);
    fs.writeFile('/sdcard/a', Buffer.alloc(60));
    assert.equal(fs.used, 60);
    fs.writeFile('/sdcard/a', Buffer.alloc(30));
    assert.equal(fs.used, 30);
    assert.throws(() => fs.writeFile('/sdcard/b', Buffer.alloc(80)), /No space left on device/);
    fs.writeFile('/sdcard/b', Buffer.alloc(70));
    assert.equal(fs.free, 0);
    fs.remove('/sdcard/a');
    assert.equal(fs.used, 70);
    fs.full = true;
    assert.throws(() => fs.writeFile('/sdcard/c', 'x'), /No space left on device/);
    fs.writeFile('/sdcard/b', Buffer.alloc(10)); // shrinking still works on a full device
    assert.equal(fs.used, 10);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
