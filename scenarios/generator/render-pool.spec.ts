import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from './render-pool.ts';
import { planFrames, scenarioSetup } from './frame-plan.ts';
import { testSpec } from './test-fixtures.ts';
import { RioError } from '../../harness/src/errors.ts';

test('a frame that fails to render fails its job, and the pool keeps serving', async () => {
  const pool = new RenderPool(1);
  try {
    const spec = testSpec({ frames: 2 });
    const plans = planFrames(spec);
    const good = scenarioSetup(spec, plans, 'good');
    const broken = { ...good, key: 'broken', plane: { ...good.plane, widthPx: -1 } }; // no texture can have that size
    await assert.rejects(pool.render(broken, plans), (e) => e instanceof RioError && e.code === 'INTERNAL_ERROR');
    const frames = await pool.render(good, plans);
    assert.deepEqual(frames.map((f) => f.index), [0, 1]);
    assert.equal(frames[0]!.jpeg.subarray(0, 2).toString('hex'), 'ffd8');
  } finally {
    await pool.close();
  }
});
