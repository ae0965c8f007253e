/**
 * The /signoffs pages on SQLite and PostgreSQL: a stored sign-off is listed with its verdict and
 * links to the runs of its blocks; its own page lists every block; a stored name cannot inject markup.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeKinds, type TestStore } from '../../harness/src/store/test-stores.ts';
import { addBlock, createSignoff, finishSignoff, signoffBlocks } from '../../harness/src/store/signoffs.ts';
import { UNIT_ORDER } from '../../harness/src/signoff/blocks.ts';
import { buildServer, type App } from './app.ts';

const model = (input: string) => ({ input, input_kind: 'tflite', input_sha256: 'a'.repeat(64), tflite_sha256: 'a'.repeat(64), apk_sha256: 'b'.repeat(64), tflite_bytes: 10 });

for (const kind of storeKinds()) {
  describe(`/signoffs on ${kind.name}`, () => {
    let ts: TestStore;
    let app: App;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rio-signoffs-'));
      ts = await kind.open();
      await createSignoff(ts.store, { id: 's1', created_at: Date.UTC(2026, 11, 7), finished_at: null, status: 'running', verdict: null, virtual_only: 1,
        policy_sha256: 'c'.repeat(64), policy_text: 'version: 1', out_dir: '/tmp/x', report_sha256: null, public_key: null, signature: null,
        meta_json: JSON.stringify({ models: { candidate: model('<script>x</script>.tflite'), baseline: model('rio.tflite') }, devices: [{ serial: 'v1' }], harness_commit: null }) });
      for (const [position, arm] of UNIT_ORDER.entries()) {
        await addBlock(ts.store, 's1', { serial: 'v1', unit: 0, position, arm, run_id: `r-${position}`, chunk: 0, retry: 0, valid: position === 2 ? 0 : 1,
          invalid_reason: position === 2 ? 'throttled (thermal status 3)' : null, thermal_max: position === 2 ? 3 : 0, battery_temp_max: 31.5, wall_ms: 1234.5 });
      }
      await finishSignoff(ts.store, 's1', { status: 'done', verdict: 'INCONCLUSIVE', report_sha256: 'd'.repeat(64), public_key: 'k', signature: 'sig' });
      app = await buildServer({ store: ts.store, ingestToken: 't', scenarioCacheDir: join(dir, 'cache'), reportsDir: join(dir, 'reports'), logger: false });
    });
    after(async () => { await app?.close(); await ts?.drop(); rmSync(dir, { recursive: true, force: true }); });

    test('blocks come back from the store as stored, numbers as numbers', async () => {
      const blocks = await signoffBlocks(ts.store, 's1');
      assert.deepEqual(blocks.map((b) => [b.position, b.arm, b.valid, b.wall_ms, b.battery_temp_max]),
        UNIT_ORDER.map((arm, p) => [p, arm, p === 2 ? 0 : 1, 1234.5, 31.5]));
    });

    test('the list shows the verdict and links to the runs; names are escaped', async () => {
      const r = await app.inject({ url: '/signoffs' });
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /href="\/signoffs\/s1"/);
      assert.match(r.body, /INCONCLUSIVE/);
      assert.match(r.body, /href="\/runs\/r-0"/);
      assert.ok(!r.body.includes('<script>x</script>'), 'a stored model name is escaped');
      assert.ok(!/https?:\/\/cdn/i.test(r.body), 'no CDN');
    });

    test('a sign-off\'s page lists every block with its run link and why an invalid one does not count', async () => {
      const r = await app.inject({ url: '/signoffs/s1' });
      assert.equal(r.statusCode, 200);
      for (let p = 0; p < 4; p++) assert.match(r.body, new RegExp(`href="/runs/r-${p}"`));
      assert.match(r.body, /no: throttled \(thermal status 3\)/);
      assert.equal((await app.inject({ url: '/signoffs/nope' })).statusCode, 404);
    });
  });
}
