/**
 * Device leases on the real stores (SQLite, and PostgreSQL when RIO_TEST_PG is set): a lease whose
 * renewal fails is no longer held, and a resumed run takes its lease back only from a holder that
 * is gone (a process on this host that no longer runs) or whose lease expired.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../store/index.ts';
import { storeKinds } from '../store/test-stores.ts';
import { RioError } from '../errors.ts';
import { DeviceLease, leaseHolder } from './device-lease.ts';

/** A real process on this host that lives until killed: a harness that is still running. */
async function livingProcess(): Promise<{ pid: number; kill(): Promise<void> }> {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  return { pid: child.pid!, kill: () => new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  }) };
}

const leasedBy = (re: RegExp) => (e: unknown) => e instanceof RioError && e.code === 'DEVICE_UNHEALTHY' && re.test(e.message);

for (const kind of storeKinds()) {
  describe(`device leases (${kind.name})`, () => {
    test('a lease another harness took over fails its renewal, is no longer held, and is not released by the loser', async () => {
      const ts = await kind.open();
      try {
        const lease = await DeviceLease.acquire(ts.store, 'dev1', 'runA');
        assert.equal(await lease.renew(), true);
        // Another harness takes the device (as it may once it saw the lease expired).
        await ts.store.db.run('UPDATE leases SET run_id = ?, holder = ? WHERE serial = ?', ['runB', 'otherhost:7', 'dev1']);
        assert.equal(await lease.renew(), false);
        assert.equal(lease.held, false);
        assert.match(lease.lostBecause, /taken over by run runB \(otherhost:7\)/);
        await lease.release();
        assert.deepEqual((await ts.store.listLeases()).map((l) => [l.run_id, l.holder]), [['runB', 'otherhost:7']], 'the new holder keeps it');
      } finally { await ts.drop(); }
    });

    test('a lease whose renewals fail until it expires is no longer held', async () => {
      const ts = await kind.open();
      const failing = await openStore(ts.url); // its own connection, closed below so every renewal errors
      try {
        const ttlMs = 600;
        const lease = await DeviceLease.acquire(failing, 'dev1', 'runA', ttlMs);
        await failing.close();
        await sleep(ttlMs + 100);
        assert.equal(await lease.renew(), false, 'a renewal that cannot reach the store cannot extend it');
        assert.equal(lease.held, false);
        assert.match(lease.lostBecause, /not renewed before it expired .*last renewal failed/);
      } finally { await ts.drop(); }
    });

    test('--resume takes its lease back only when the old holder is gone or the lease expired', async () => {
      const ts = await kind.open();
      const s = ts.store;
      const harness = await livingProcess();
      try {
        const alive = `${hostname()}:${harness.pid}`;
        assert.equal((await s.acquireLease('dev1', 'runA', alive, 60_000)).ok, true);
        await assert.rejects(DeviceLease.acquire(s, 'dev1', 'runA'), leasedBy(/leased by run runA .* still running/), 'holder alive on this host');
        await harness.kill();
        const back = await DeviceLease.acquire(s, 'dev1', 'runA');
        assert.deepEqual((await s.listLeases()).map((l) => l.holder), [leaseHolder()], 'taken back from the dead holder');
        await back.release();

        assert.equal((await s.acquireLease('dev2', 'runA', 'another-host:42', 60_000)).ok, true);
        await assert.rejects(DeviceLease.acquire(s, 'dev2', 'runA'), leasedBy(/another-host:42/), 'another host: cannot tell, wait for expiry');
        await s.db.run('UPDATE leases SET expires_at = ? WHERE serial = ?', [Date.now() - 1, 'dev2']);
        await (await DeviceLease.acquire(s, 'dev2', 'runA')).release();

        assert.equal((await s.acquireLease('dev3', 'runB', 'another-host:43', 60_000)).ok, true);
        await assert.rejects(DeviceLease.acquire(s, 'dev3', 'runA'), leasedBy(/leased by run runB/), 'another run\'s live lease');
      } finally { await harness.kill(); await ts.drop(); }
    });
  });
}
