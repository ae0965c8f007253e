import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, startFarmServer } from '../../harness/src/farm/testing-farm.ts';

const CLI = fileURLToPath(new URL('../../harness/bin/rio-farm.mjs', import.meta.url));

test('serve --tls-cert/--tls-key: submit reaches it over HTTPS trusting the CA; plain HTTP and an untrusted certificate are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-farm-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=rio-farm-test',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const server = await startFarmServer(`sqlite:${join(dir, 'rio-farm.db')}`, {}, { cert, key });
  try {
    assert.match(server.proc.log(), /dashboard at https:\/\//);
    const submit = (env: Record<string, string>) => spawnSync(process.execPath,
      [CLI, 'submit', '--server', server.url(), '--suite', 'smoke', '--devices', 'serial=phone-1'],
      { encoding: 'utf8', env: { ...process.env, RIO_FARM_TOKEN: ADMIN_TOKEN, ...env } });
    const ok = submit({ NODE_EXTRA_CA_CERTS: cert });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^j\S+\tserial=phone-1$/m);
    const untrusted = submit({});
    assert.equal(untrusted.status, 2, 'an unverifiable certificate is an infrastructure failure, never a silent plain-text fallback');
    assert.match(untrusted.stderr, /unreachable/);
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/api/health`, { signal: AbortSignal.timeout(5000) }), 'plain HTTP gets no answer');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
