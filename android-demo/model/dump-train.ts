/**
 * Dumps a suite's frames as the model sees them, for train.py: `images.u8` (N×256×256×3 uint8,
 * produced by the app's own decode + C++ preprocess, so training input = app input) and
 * `index.json` (frame size, the camera frame's file, negative flag, card quads, lighting tags per frame).
 *
 *   node --import tsx android-demo/model/dump-train.ts --suite train --frames 4000 --out .rio-farm/model/train-dump
 *   … --frames 900 --offset 20000 --resolution 1280x720 --out …   (camera-resolution frames, same stretch)
 *   … --per-scenario 4 …   (fewer frames per scenario: more scenes for the same frame count)
 *   … --background clutter …   (only these desks, comma-separated: more of the scenes a model gets wrong)
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSuite } from '../../scenarios/generator/index.ts';
import type { Background } from '../../scenarios/generator/backgrounds.ts';
import { modelInputOf } from './evaluation/frames.ts';

const { values } = parseArgs({ options: {
  suite: { type: 'string', default: 'train' },
  frames: { type: 'string', default: '2000' },
  offset: { type: 'string', default: '0' },
  out: { type: 'string' },
  workers: { type: 'string', default: '2' },
  resolution: { type: 'string' },
  'per-scenario': { type: 'string', default: '8' },
  background: { type: 'string' },
} });
if (!values.out) throw new Error('--out DIR is required');
const out = values.out;
mkdirSync(out, { recursive: true });

const started = Date.now();
let lastReport = 0;
const suite = await buildSuite(values.suite!, {
  frames: Number(values.frames), offset: Number(values.offset), workers: Number(values.workers),
  framesPerScenario: Number(values['per-scenario']),
  backgrounds: values.background?.split(',') as Background[] | undefined,
  resolution: values.resolution ? values.resolution.split('x').map(Number) as [number, number] : undefined,
  onProgress: (done, total) => {
    if (Date.now() - lastReport > 10_000) { lastReport = Date.now(); console.log(`rendered ${done}/${total}`); }
  },
});
console.log(`suite ${suite.name}: ${suite.scenarios.length} scenarios built in ${((Date.now() - started) / 1000).toFixed(0)} s`);

const fd = openSync(join(out, 'images.u8'), 'w');
const index: unknown[] = [];
try {
  for (const scenario of suite.scenarios) {
    for (const f of scenario.frames) {
      const input = await modelInputOf(f.path);
      const bytes = new Uint8Array(input.length);
      for (let i = 0; i < input.length; i++) bytes[i] = Math.round(input[i]! * 255);
      writeSync(fd, bytes);
      index.push({ scenario: scenario.id, index: f.index, sha256: f.sha256, path: f.path, width: f.width, height: f.height, negative: f.negative,
        cards: f.cards.map((c) => ({ quad: c.quad, visible: c.visible })), tags: f.lighting.tags });
    }
  }
} finally {
  closeSync(fd);
}
writeFileSync(join(out, 'index.json'), JSON.stringify({ schema: 'rio-train-dump/1', suite: suite.name, frames: index }));
console.log(`dumped ${index.length} frames to ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
