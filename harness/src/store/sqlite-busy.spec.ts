/** Another process holding SQLite's write lock makes a write wait (without stalling this process), never fail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './index.ts';
import { startWriter } from './testing-processes.ts';

test('a write waits for another process\'s write lock asynchronously and lands once it is released', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-busy-'));
  const path = join(dir, 'rio-farm.db');
  let firstWait!: () => void;
  const waited = new Promise<void>((r) => { firstWait = r; });
  let waits = 0;
  const store = await openStore(`sqlite:${path}`, { onBusyWait: () => { waits++; firstWait(); } });
  const holder = startWriter(['hold', path]);
  try {
    await holder.line((l) => l === 'locked');
    const write = store.addEvent({ run_id: 'r', serial: 's', at: Date.UTC(2026, 0, 1), kind: 'cooldown', detail: 'waited for the lock' });
    // This process keeps running while it waits: the other process hears "release" only through our event loop.
    await Promise.race([waited, write.then(() => assert.fail('written while another process held the lock'))]);
    holder.child.stdin!.write('release\n');
    await write;
    await holder.line((l) => l === 'released');
    assert.ok(waits >= 1);
    assert.equal((await store.events('r')).length, 1);
  } finally {
    holder.child.kill();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
