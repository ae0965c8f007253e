import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'harness', 'bin', 'rio-farm.mjs');

test('rio-farm serve listens on loopback, prints the dashboard URL and answers health', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-serve-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', `sqlite:${join(dir, 'rio.db')}`],
    { env: { ...process.env, RIO_FARM_TOKEN: '', RIO_FARM_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    const health = await (await fetch(`${url}api/health`)).json();
    assert.deepEqual(health, { ok: true, store: 'sqlite', runs: 0 });
    const home = await fetch(url);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /No finished <b>nightly<\/b> run in the store yet/);
    const upload = await fetch(`${url}api/runs`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer ' } });
    assert.equal(upload.status, 401, 'no token configured: uploads are refused');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rio-farm serve rejects a bad port as bad input (exit 3)', () => {
  const r = spawnSync(process.execPath, [CLI, 'serve', '--port', 'eighty'], { encoding: 'utf8' });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /port/);
});
