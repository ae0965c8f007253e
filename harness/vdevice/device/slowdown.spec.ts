import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RioError } from '../../src/errors.ts';
import { loadProfile, profileProps, PROFILE_DIR } from './profile.ts';
import { parseSlowdown, slowedFingerprint, withSlowdown } from './slowdown.ts';

test('--slowdown takes a factor from 1 to 10 and names the option when it is anything else', () => {
  assert.equal(parseSlowdown('1.10'), 1.1);
  assert.equal(parseSlowdown(' 2 '), 2);
  for (const bad of ['0.9', '0', '-1', '11', 'fast', '', 'NaN', 'Infinity']) {
    assert.throws(() => parseSlowdown(bad), (e: unknown) => e instanceof RioError && e.code === 'BAD_ARGUMENT' && /--slowdown must be a factor from 1 to 10/.test(e.message), bad);
  }
});

test('a slowed profile says so in ro.rio.slowdown and its build fingerprint; 1 leaves the profile as it is', () => {
  const base = loadProfile('pixel-7-virtual');
  assert.equal(withSlowdown(base, 1), base);
  const props = profileProps(withSlowdown(base, 1.1), '127.0.0.1:5555');
  const plain = profileProps(base, '127.0.0.1:5555');
  assert.equal(props['ro.rio.slowdown'], '1.10');
  assert.equal(plain['ro.rio.slowdown'], undefined);
  assert.equal(props['ro.build.fingerprint'], plain['ro.build.fingerprint']!.replace('/1:user/', '/1.slowdown-1.10:user/'));
  assert.equal(props['ro.product.model'], plain['ro.product.model'], 'the same phone model, a different environment');
  assert.equal(slowedFingerprint('odd-fingerprint', 2), 'odd-fingerprint.slowdown-2.00');
});

test('a profile file cannot set slowdown itself: it is only ever the labelled --slowdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-slowdown-'));
  try {
    const file = join(dir, 'sneaky-virtual.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(join(PROFILE_DIR, 'pixel-7-virtual.json'), 'utf8')), slowdown: 1.5 }));
    assert.throws(() => loadProfile(file), (e: unknown) => e instanceof RioError && e.code === 'BAD_CONFIG' && e.where?.field === 'slowdown');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
