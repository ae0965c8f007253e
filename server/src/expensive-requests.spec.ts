/** Comparisons and frame images: repeats are free, a busy server says 503 + Retry-After, inputs are capped. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteTestStore, type TestStore } from '../../harness/src/store/test-stores.ts';
import { buildServer, type App } from './app.ts';
import { RequestGate } from './request-gate.ts';
import { smallFarm, writeSyntheticRuns, type GeneratedRun } from './testing/synthetic-runs.ts';

let ts: TestStore, app: App, dir: string, runs: GeneratedRun[];
const compareGate = new RequestGate('comparison', 1, 0);
const frameGate = new RequestGate('frame image', 1, 0);

/** Holds a gate's only slot until the returned function is called. */
function occupy(gate: RequestGate): () => void {
  let release!: () => void;
  void gate.run(() => new Promise<void>((r) => { release = r; }));
  return () => release();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rio-expensive-'));
  ts = await sqliteTestStore();
  runs = await writeSyntheticRuns(ts.store, smallFarm({ runs: 4, scenarios: [{ id: 'desk', lightings: ['plain', 'dim'], frames: 20 }] }));
  app = await buildServer({ store: ts.store, scenarioCacheDir: dir, reportsDir: dir, logger: false, gates: { compare: compareGate, frameImages: frameGate } });
});
after(async () => { await app.close(); await ts.drop(); rmSync(dir, { recursive: true, force: true }); });

test('a comparison beyond the limit is refused with 503 and Retry-After; a kept one is answered meanwhile', async () => {
  const [a, b, c, d] = runs.map((r) => r.id);
  assert.equal((await app.inject({ url: `/api/compare?a=${a}&b=${b}` })).statusCode, 200);
  const release = occupy(compareGate);
  try {
    const busy = await app.inject({ url: `/api/compare?a=${c}&b=${d}` });
    assert.equal(busy.statusCode, 503);
    assert.equal(busy.headers['retry-after'], '5');
    assert.equal(busy.json().error, 'BUSY');
    assert.equal((await app.inject({ url: `/compare?a=${c}&b=${d}` })).statusCode, 503, 'the page too');
    assert.equal((await app.inject({ url: `/api/compare?a=${a}&b=${b}` })).statusCode, 200, 'a kept comparison needs no slot');
  } finally { release(); }
  assert.equal((await app.inject({ url: `/api/compare?a=${c}&b=${d}` })).statusCode, 200, 'and the refused one is computed once there is room');
});

test('a frame image is drawn once and then served from the cache; a flood of new ones is refused with 503', async () => {
  const worst = (await app.inject({ url: `/api/runs/${runs[3]!.id}` })).json().summaries.find((s: { lighting: string }) => s.lighting === '*').worst;
  const url = (w: { attempt_id: string; frame_index: number }) => `/api/frame-image?attempt=${encodeURIComponent(w.attempt_id)}&frame=${w.frame_index}`;
  const first = await app.inject({ url: url(worst[0]) });
  assert.equal(first.statusCode, 200);
  assert.equal(first.headers['x-rio-cache'], 'miss');
  const release = occupy(frameGate);
  try {
    const again = await app.inject({ url: url(worst[0]) });
    assert.equal(again.headers['x-rio-cache'], 'hit', 'a repeat needs no drawing slot');
    assert.deepEqual(again.rawPayload, first.rawPayload);
    const busy = await app.inject({ url: url(worst[1]) });
    assert.equal(busy.statusCode, 503);
    assert.ok(Number(busy.headers['retry-after']) > 0);
  } finally { release(); }
  assert.equal((await app.inject({ url: url(worst[1]) })).statusCode, 200);
  assert.equal((await app.inject({ url: `/api/frame-image?attempt=x&frame=99999999999` })).statusCode, 400, 'a frame index no run has is refused unread');
});
