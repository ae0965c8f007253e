import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, listSuites } from '../generator/index.ts';

const here = import.meta.dirname;

describe('heldout.py (held-out suite by different code)', () => {
  const work = mkdtempSync(join(tmpdir(), 'rio-heldout-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('puts each truth quad on its rendered card in the card\'s own corner order, deterministically, without the training generator\'s code, fonts or photos', () => {
    const r = spawnSync('/usr/bin/python3', [join(here, 'heldout_test.py')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /3 passed/);
  });

  it('writes a real-photo suite that the scenarios API loads: every condition, empty frames, two-card frames', async () => {
    const out = join(work, 'heldout-mini');
    const r = spawnSync('/usr/bin/python3', [join(here, 'heldout.py'), '--out', out, '--frames-scale', '0.12'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const prev = process.env.RIO_FARM_CACHE;
    process.env.RIO_FARM_CACHE = join(work, 'cache');
    try {
      const suite = await buildSuite(out);
      assert.equal(suite.scenarios.length, 8);
      const frames = suite.scenarios.flatMap((s) => s.frames);
      assert.ok(frames.some((f) => f.negative && f.cards.length === 0));
      assert.ok(frames.some((f) => f.cards.length === 2));
      for (const f of frames) {
        for (const c of f.cards) {
          assert.equal(c.quad.length, 4);
          assert.ok(c.visible > 0 && c.visible <= 1, `${f.path}: visible ${c.visible}`);
        }
        assert.equal(f.lighting.tags.length, 1);
      }
      assert.deepEqual([...new Set(suite.scenarios.flatMap((s) => s.conditions))].sort(),
        ['blur_jpeg', 'colour_cast', 'daylight', 'empty', 'hard_shadow', 'in_hand', 'night_iso', 'two_cards']);
    } finally {
      if (prev === undefined) delete process.env.RIO_FARM_CACHE; else process.env.RIO_FARM_CACHE = prev;
    }
    assert.ok(listSuites().some((s) => s.name === 'heldout'));
  });
});
