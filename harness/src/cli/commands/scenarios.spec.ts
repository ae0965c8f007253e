import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';

const CLI = join(import.meta.dirname, '../../../bin/rio-farm.mjs');

function rioFarm(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

test('rio-farm scenarios list, build and preview work from the command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rio-cli-scen-'));
  try {
    const env = { RIO_FARM_CACHE: join(dir, 'cache') };
    const list = rioFarm(['scenarios', 'list', '--json'], env);
    assert.equal(list.status, 0, list.stderr);
    const names = (JSON.parse(list.stdout) as { name: string }[]).map((s) => s.name);
    for (const n of ['smoke', 'nightly', 'signoff', 'train']) assert.ok(names.includes(n), n);

    const out = join(dir, 'sheet.png');
    const preview = rioFarm(['scenarios', 'preview', '--suite', 'smoke', '--out', out], env);
    assert.equal(preview.status, 0, preview.stderr);
    const build = rioFarm(['scenarios', 'build', '--suite', 'smoke'], env);
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stdout, /smoke: 12 scenarios, 26 frames/);
    const m = await sharp(out).metadata();
    assert.equal(m.format, 'png');
    assert.deepEqual([m.width, m.height], [6 * 320, 2 * 200]); // 12 scenarios: two rows of six tiles
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown suite is bad input (exit 3)', () => {
  const r = rioFarm(['scenarios', 'build', '--suite', 'no-such-suite'], {});
  assert.equal(r.status, 3);
  assert.match(r.stderr, /NOT_FOUND: no suite 'no-such-suite'/);
});
