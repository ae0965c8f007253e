import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { buildSuite, listSuites } from './index.ts';
import { buildScenarios } from './build.ts';
import { LONG_SIDE_FOV_DEG } from './camera.ts';
import { loadSuiteFile } from './suite-file.ts';
import { trainSpecs, validationSpecs, VALIDATION } from './train.ts';
import { TRAIN_SEED_BASE } from './scenario-spec.ts';
import { testSpec } from './test-fixtures.ts';

let root: string;
before(() => { root = mkdtempSync(join(tmpdir(), 'rio-scen-')); });
after(() => rmSync(root, { recursive: true, force: true }));

const specs = () => [
  testSpec({ id: 'a', seed: 11, frames: 3, finger: [1, 2], lighting: [{ at: 0, condition: 'night', params: {} }] }),
  testSpec({ id: 'b', seed: 12, frames: 2, background: 'clutter', negativeFrames: [1], lighting: [{ at: 0, condition: 'glare', params: {} }] }),
];

test('the same seed gives byte-identical frames and truth, in process and through the worker pool', async () => {
  const one = await buildScenarios(join(root, 'c1'), specs(), { workers: 1 });
  // 16 frames or more go through the pool: repeat scenario a with more frames in both caches.
  const big = [{ ...specs()[0]!, id: 'big', frames: 16 }];
  const pooled = await buildScenarios(join(root, 'c2'), [...specs(), ...big], { workers: 2 });
  const local = await buildScenarios(join(root, 'c3'), big, { workers: 1 });
  for (const [x, y] of [[one[0]!, pooled[0]!], [one[1]!, pooled[1]!], [local[0]!, pooled[2]!]] as const) {
    assert.deepEqual(x.frames.map((f) => f.sha256), y.frames.map((f) => f.sha256));
    assert.equal(readFileSync(x.truthPath, 'utf8'), readFileSync(y.truthPath, 'utf8'));
    for (const f of x.frames) assert.deepEqual(readFileSync(f.path), readFileSync(y.frames[f.index]!.path));
  }
  assert.equal(new Set(one[0]!.frames.map((f) => f.sha256)).size, 3, 'frames of a scenario differ');
  assert.equal(one[1]!.frames[1]!.negative, true);
  assert.equal(one[1]!.frames[1]!.cards.length, 0);
  const truth = JSON.parse(readFileSync(one[0]!.truthPath, 'utf8'));
  assert.equal(truth.schema, 'rio-truth/1');
  assert.equal(truth.frames[0].file, `../../frames/${one[0]!.frames[0]!.sha256}.jpg`);
});

test('a rebuild from the cache renders nothing and rewrites nothing', async () => {
  const cache = join(root, 'c1');
  const before = statSync(join(cache, 'test', 'a', 'truth.json')).mtimeMs;
  let rendered = 0;
  const again = await buildScenarios(cache, specs(), { onProgress: () => { rendered++; } });
  assert.equal(rendered, 0);
  assert.equal(statSync(join(cache, 'test', 'a', 'truth.json')).mtimeMs, before);
  assert.equal(again[0]!.frames.length, 3);
  // The generator's camera travels with the scenario (crops recover the card's shape with it).
  assert.deepEqual(again[0]!.camera, { fov_deg: LONG_SIDE_FOV_DEG });
  // A changed script is rebuilt.
  await buildScenarios(cache, [{ ...specs()[0]!, seed: 99 }], { onProgress: (done) => { rendered = done; } });
  assert.equal(rendered, 3);
});

test('buildSuite builds smoke into RIO_FARM_CACHE with truth on every frame', async () => {
  process.env.RIO_FARM_CACHE = join(root, 'env-cache');
  try {
    const smoke = await buildSuite('smoke');
    assert.equal(smoke.dir, join(root, 'env-cache', 'smoke'));
    const frames = smoke.scenarios.flatMap((s) => s.frames);
    assert.ok(frames.length >= 20 && frames.length <= 30);
    assert.ok(new Set(smoke.scenarios.flatMap((s) => s.conditions)).size >= 12);
    for (const f of frames) {
      const meta = await sharp(f.path).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', f.width, f.height]);
      assert.equal(f.negative, f.cards.length === 0);
    }
    assert.ok(frames.some((f) => f.cards.length === 2), 'two cards');
    assert.ok(frames.some((f) => f.cards.some((c) => c.visible < 0.95)), 'partly hidden');
  } finally {
    delete process.env.RIO_FARM_CACHE;
  }
});

test('train seeds never overlap the evaluation suites, and train scales to the frames asked', () => {
  const evalSeeds = new Set(listSuites().filter((s) => s.kind === 'script').flatMap((s) => loadSuiteFile(s.source).scenarios.map((x) => x.seed)));
  const train = trainSpecs({ frames: 5000 });
  assert.ok(train.reduce((n, s) => n + s.frames, 0) >= 5000);
  for (const s of train) {
    assert.ok(s.seed >= TRAIN_SEED_BASE && !evalSeeds.has(s.seed));
  }
  assert.equal(new Set(train.map((s) => s.id)).size, train.length);
  // the validation split is held out: no train range may reach into it
  const validation = validationSpecs();
  assert.equal(validation.reduce((n, s) => n + s.frames, 0), VALIDATION.scenarios * VALIDATION.framesPerScenario);
  assert.ok(validation.every((s) => s.seed >= TRAIN_SEED_BASE && !evalSeeds.has(s.seed)));
  assert.throws(() => trainSpecs({ frames: 800, offset: VALIDATION.offset - 50 }), /overlap the validation split/);
  assert.doesNotThrow(() => trainSpecs({ frames: 80, offset: VALIDATION.offset + VALIDATION.scenarios }));
});

test('a train range can focus on some desks, and an unknown desk is named', () => {
  const clutter = trainSpecs({ frames: 400, backgrounds: ['clutter'] });
  assert.ok(clutter.every((s) => s.background === 'clutter' && s.id.startsWith('train-clutter-')));
  // the default draws from every desk
  assert.ok(new Set(trainSpecs({ frames: 400 }).map((s) => s.background)).size > 1);
  assert.throws(() => trainSpecs({ frames: 8, backgrounds: ['carpet' as never] }), /'carpet' is not a desk \(known: wood, white_paper/);
});

test('a folder of real photos with a truth.json loads as a suite', async () => {
  const dir = join(root, 'my-photos');
  mkdirSync(dir);
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } }).jpeg().toFile(join(dir, 'a.jpg'));
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#204060' } }).png().toFile(join(dir, 'b.png'));
  writeFileSync(join(dir, 'truth.json'), JSON.stringify({
    schema: 'rio-truth/1', id: 'desk-photos', camera: { fov_deg: 72.5 },
    frames: [
      { index: 0, file: 'a.jpg', cards: [{ quad: [[10, 10], [200, 20], [190, 130], [12, 120]] }] },
      { index: 1, file: 'b.png', cards: [] },
    ],
  }));
  process.env.RIO_FARM_CACHE = join(root, 'photo-cache');
  try {
    const suite = await buildSuite(dir);
    assert.equal(suite.name, 'my-photos');
    const s = suite.scenarios[0]!;
    assert.equal(s.id, 'desk-photos');
    assert.deepEqual(s.camera, { fov_deg: 72.5 });
    assert.equal(s.frames[0]!.cards[0]!.visible, 1);
    assert.equal(s.frames[1]!.negative, true);
    assert.deepEqual([s.frames[1]!.width, s.frames[1]!.height], [320, 240]);
    assert.equal((await sharp(s.frames[1]!.path).metadata()).format, 'jpeg');
    assert.match(s.frames[0]!.path, /frames\/[0-9a-f]{64}\.jpg$/);
    // A broken truth.json is reported with its file and field.
    writeFileSync(join(dir, 'truth.json'), JSON.stringify({ schema: 'rio-truth/1', id: 'x', frames: [{ index: 0, file: 'a.jpg', cards: [{ quad: [[1, 2]] }] }] }));
    await assert.rejects(buildSuite(dir), (e: Error & { where?: Record<string, unknown> }) => e.where?.field === '/frames/0/cards/0/quad');
  } finally {
    delete process.env.RIO_FARM_CACHE;
  }
});
