import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds } from '../../harness/src/store/test-stores.ts';
import { newHostToken, tokenHash } from '../../harness/src/farm/host-token.ts';
import type { Store } from '../../harness/src/store/index.ts';
import { buildServer, type App } from './app.ts';
import { DEFAULT_FARM_SETTINGS } from './farm-settings.ts';
import { WRONG_TOKENS_ALLOWED } from './host-auth.ts';

const ADMIN = 'farm-admin-token';
const FARM = { ...DEFAULT_FARM_SETTINGS, leaseMs: 5_000, heartbeatMs: 1_000 };

async function farmServer(store: Store): Promise<{ app: App; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rio-farm-api-'));
  const app = await buildServer({ store, ingestToken: ADMIN, scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false, farm: FARM });
  return { app, dir, close: async () => { await app.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function hostToken(store: Store, host: string): Promise<string> {
  const t = newHostToken(host);
  await store.issueHostToken(host, tokenHash(t));
  return t;
}

const post = (app: App, url: string, token: string, payload: unknown, ip = '127.0.0.1') =>
  app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: payload as object, remoteAddress: ip });

for (const kind of storeKinds()) {
  test(`${kind.name}: each host has its own revocable token; wrong tokens from one address are rate-limited (429)`, async () => {
    const { store, drop } = await kind.open();
    const srv = await farmServer(store);
    try {
      const a = await hostToken(store, 'host-a');
      const beat = { devices: [{ serial: 'p1', model: 'Pixel', virtual: true }], held: [] };
      const ok = await post(srv.app, '/api/agent/heartbeat', a, beat);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().host, 'host-a', 'the host is who the token says, never what the body says');
      assert.equal((await post(srv.app, '/api/agent/heartbeat', ADMIN, beat)).statusCode, 401, 'the admin token is not a host token');
      await store.revokeHostToken('host-a');
      assert.equal((await post(srv.app, '/api/agent/heartbeat', a, beat)).statusCode, 401, 'a revoked token is refused');
      const b = await hostToken(store, 'host-b');
      for (let i = 0; i < WRONG_TOKENS_ALLOWED; i++) await post(srv.app, '/api/agent/heartbeat', `guess-${i}`, beat, '10.9.9.9');
      const limited = await post(srv.app, '/api/agent/heartbeat', b, beat, '10.9.9.9');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error, 'RATE_LIMITED');
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal((await post(srv.app, '/api/agent/heartbeat', b, beat, '10.9.9.8')).statusCode, 200, 'other addresses are not affected');
    } finally { await srv.close(); await drop(); }
  });

  test(`${kind.name}: jobs are submitted per registered device, claimed only for offered devices, and a late upload or finish with an old fencing token is refused (409)`, async () => {
    const { store, drop } = await kind.open();
    const srv = await farmServer(store);
    try {
      const a = await hostToken(store, 'host-a');
      const b = await hostToken(store, 'host-b');
      await post(srv.app, '/api/agent/heartbeat', a, { devices: [{ serial: 'p1', model: 'Pixel', virtual: true }, { serial: 'p2', model: 'Pixel', virtual: true }], held: [] });
      assert.equal((await post(srv.app, '/api/jobs', a, { suite: 'smoke' })).statusCode, 401, 'a host token cannot submit');
      const bad = await post(srv.app, '/api/jobs', ADMIN, { suite: 'smoke', devices: 'phones' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /--devices must be all, model=/);
      const sub = await post(srv.app, '/api/jobs', ADMIN, { suite: 'smoke', devices: 'all', labels: { night: '1' } });
      assert.equal(sub.statusCode, 201, sub.body);
      assert.deepEqual(sub.json().jobs.map((j: { target: string }) => j.target).sort(), ['p1', 'p2']);
      const claim = await post(srv.app, '/api/agent/claim', a, { offers: [{ serial: 'p1', model: 'Pixel' }] });
      const [job] = claim.json().jobs;
      assert.equal(job.serial, 'p1');
      assert.equal(job.fence, 1);
      assert.deepEqual(job.labels, { night: '1' });
      // host-a goes silent past its lease; the job is queued again and host-b claims it
      await store.reapExpiredLeases(FARM, Date.now() + FARM.leaseMs + 1);
      await post(srv.app, '/api/agent/heartbeat', b, { devices: [{ serial: 'p1', model: 'Pixel', virtual: true }], held: [] });
      const again = (await post(srv.app, '/api/agent/claim', b, { offers: [{ serial: 'p1', model: 'Pixel' }] })).json().jobs[0];
      assert.equal(again.id, job.id);
      assert.equal(again.fence, 2);
      const late = await post(srv.app, `/api/agent/jobs/${job.id}/results?fence=1`, a, { schema: 'rio-run/1' });
      assert.equal(late.statusCode, 409, late.body);
      assert.match(late.json().message, /fencing token 1 from host-a is not current/);
      assert.equal((await post(srv.app, `/api/agent/jobs/${job.id}/finish`, a, { fence: 1, outcome: 'passed' })).statusCode, 409);
      const beat = await post(srv.app, '/api/agent/heartbeat', a, { devices: [], held: [{ id: job.id, fence: 1 }] });
      assert.deepEqual(beat.json().lost, [job.id], 'the late host learns at its next heartbeat that the job moved on');
      const fin = await post(srv.app, `/api/agent/jobs/${job.id}/finish`, b, { fence: 2, outcome: 'passed' });
      assert.equal(fin.json().state, 'done');
    } finally { await srv.close(); await drop(); }
  });

  test(`${kind.name}: a job with bad input is dead-lettered at once and never held against the phone; an operator releases a quarantined phone (admin token)`, async () => {
    const { store, drop } = await kind.open();
    const srv = await farmServer(store);
    try {
      const a = await hostToken(store, 'host-a');
      await post(srv.app, '/api/agent/heartbeat', a, { devices: [{ serial: 'p1', model: 'Pixel', virtual: true }], held: [] });
      const claimOne = async () => (await post(srv.app, '/api/agent/claim', a, { offers: [{ serial: 'p1', model: 'Pixel' }] })).json().jobs[0];
      // three jobs naming a suite the agent does not know: each ends in dead-letter on its first attempt
      for (let i = 0; i < 3; i++) {
        assert.equal((await post(srv.app, '/api/jobs', ADMIN, { suite: `no-such-suite-${i}`, devices: 'serial=p1' })).statusCode, 201);
        const job = await claimOne();
        const fin = await post(srv.app, `/api/agent/jobs/${job.id}/finish`, a, { fence: job.fence, outcome: 'bad_input', error: `NOT_FOUND: no suite 'no-such-suite-${i}'` });
        assert.equal(fin.statusCode, 200, fin.body);
        assert.equal(fin.json().state, 'dead');
        assert.match((await store.getJob(job.id))!.dead_reason!, /^bad input: NOT_FOUND: no suite/);
      }
      assert.deepEqual([...await store.quarantinedSerials(['p1'])], [], 'bad input says nothing about the phone');
      // three infrastructure failures in a row do quarantine it
      assert.equal((await post(srv.app, '/api/jobs', ADMIN, { suite: 'smoke', devices: 'serial=p1' })).statusCode, 201);
      for (let i = 0; i < 3; i++) {
        const job = await claimOne();
        await post(srv.app, `/api/agent/jobs/${job.id}/finish`, a, { fence: job.fence, outcome: 'infra_failure', error: 'DEVICE_GONE' });
      }
      assert.deepEqual([...await store.quarantinedSerials(['p1'])], ['p1']);
      assert.equal((await post(srv.app, '/api/devices/p1/release', a, {})).statusCode, 401, 'a host token cannot release');
      assert.equal((await post(srv.app, '/api/devices/nope/release', ADMIN, {})).statusCode, 404);
      const rel = await post(srv.app, '/api/devices/p1/release', ADMIN, {});
      assert.equal(rel.statusCode, 200, rel.body);
      assert.deepEqual([...await store.quarantinedSerials(['p1'])], []);
      assert.equal((await post(srv.app, '/api/jobs', ADMIN, { suite: 'smoke', devices: 'serial=p1' })).statusCode, 201);
      assert.ok(await claimOne(), 'a released phone takes work again');
    } finally { await srv.close(); await drop(); }
  });
}
