/** `--upload`: the run export POSTed to a real rio-farm server (Fastify, /api/runs) with a bearer token. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../../../server/src/app.ts';
import { sqliteTestStore } from '../store/test-stores.ts';
import { exportRun } from '../store/run-export.ts';
import { RioError } from '../errors.ts';
import { uploadRun } from './upload.ts';
import { RequestGate } from '../../../server/src/request-gate.ts';

test('uploads run.json to /api/runs with the bearer token; a wrong token is UNAUTHORIZED', async () => {
  const source = await sqliteTestStore();
  const target = await sqliteTestStore();
  const dir = mkdtempSync(join(tmpdir(), 'rio-upload-'));
  const app = await buildServer({ store: target.store, ingestToken: 'sekret', scenarioCacheDir: dir, reportsDir: dir, logger: false });
  try {
    await source.store.createRun({ id: 'r-up', suite: 'smoke', status: 'passed', exit_code: 0, started_at: 1_780_000_000_000, finished_at: 1_780_000_060_000, host: 'h',
      out_dir: null, apk_sha256: null, app_version: null, model_sha256: null, options_json: '{}', virtual_only: 1 }, { who: 'test' });
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify(await exportRun(source.store, 'r-up')));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    await assert.rejects(uploadRun(url, file, 'wrong'), (e: unknown) => e instanceof RioError && e.code === 'UNAUTHORIZED');
    await uploadRun(url, file, 'sekret');
    await app.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
    assert.equal((await target.store.getRun('r-up'))?.status, 'passed');
    assert.deepEqual(await target.store.runLabels('r-up'), { who: 'test' });
    await assert.rejects(uploadRun(url, file, ''), /RIO_FARM_TOKEN/);
  } finally {
    await app.close();
    await source.drop(); await target.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an upload the server refuses says why (409 CONFLICT); a busy server is asked again after its Retry-After', async () => {
  const source = await sqliteTestStore();
  const target = await sqliteTestStore();
  const dir = mkdtempSync(join(tmpdir(), 'rio-upload-'));
  const ingestGate = new RequestGate('ingest', 1, 0, 1);
  const app = await buildServer({ store: target.store, ingestToken: 'sekret', scenarioCacheDir: dir, reportsDir: dir, logger: false, gates: { ingest: ingestGate } });
  try {
    const run = { id: 'r-up', suite: 'smoke', status: 'passed' as const, exit_code: 0, started_at: 1_780_000_000_000, finished_at: 1_780_000_060_000,
      host: 'h', out_dir: null, apk_sha256: null, app_version: null, model_sha256: null, options_json: '{}', virtual_only: 1 };
    await source.store.createRun(run, {});
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify(await exportRun(source.store, 'r-up')));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    // Busy: the server's only ingest slot is taken until the client has been told to wait.
    let release!: () => void;
    void ingestGate.run(() => new Promise<void>((r) => { release = r; }));
    const waits: number[] = [];
    await uploadRun(url, file, 'sekret', { onBusy: (s) => { waits.push(s); release(); } });
    assert.deepEqual(waits, [1]);
    await app.backgroundWork(); // the server finishes an upload (aggregates, status, summaries) after its answer
    assert.equal((await target.store.getRun('r-up'))?.status, 'passed');
    // A run the server's store recorded itself cannot be replaced by an upload.
    await target.store.createRun({ ...run, id: 'r-local' }, {});
    await source.store.createRun({ ...run, id: 'r-local' }, {});
    writeFileSync(file, JSON.stringify(await exportRun(source.store, 'r-local')));
    await assert.rejects(uploadRun(url, file, 'sekret'), (e: unknown) => e instanceof RioError && e.code === 'CONFLICT' && /409/.test(e.message));
  } finally {
    await app.close();
    await source.drop(); await target.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
