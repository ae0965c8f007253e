import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RioError } from '../errors.ts';
import { checkSignature, generateSigningKey, loadSigningKey, signText } from './signing.ts';

test('keygen makes its folder (a fresh clone has no .rio-farm/), and the pair signs and verifies', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-keygen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, '.rio-farm', 'keys', 'signoff.pem');
  const files = generateSigningKey(path);
  assert.equal(statSync(path).mode & 0o777, 0o600, 'the private key is readable by its owner only');
  const key = loadSigningKey(path);
  const signature = signText(key, 'report');
  assert.ok(checkSignature(readFileSync(files.publicPath, 'utf8'), 'report', signature));
  assert.ok(!checkSignature(readFileSync(files.publicPath, 'utf8'), 'report!', signature), 'another text does not verify');
  assert.throws(() => generateSigningKey(path), (e: unknown) => e instanceof RioError && e.code === 'BAD_ARGUMENT' && /not overwriting/.test(e.message));
});

test('keygen where no folder can be made is a bad argument naming the file, not an unexpected error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-keygen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a-file'), '');
  const path = join(dir, 'a-file', 'signoff.pem');
  assert.throws(() => generateSigningKey(path), (e: unknown) => {
    assert.ok(e instanceof RioError, String(e));
    assert.equal(e.code, 'BAD_ARGUMENT');
    assert.equal(e.where?.file, path);
    return true;
  });
});
