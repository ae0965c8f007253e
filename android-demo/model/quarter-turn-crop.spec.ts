/**
 * The app's quarter-turn crop (C++ core, rio::quarterTurnCrop, OpenCV) is the crop the classifier was
 * trained on (quarter_turn.py card_crop of train_quarter_turn.py's card_region, PIL): two resamplers of
 * one geometry, compared pixel by pixel on one camera frame, so a shifted, mirrored or rescaled crop in
 * either shows here.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quarterTurnCrop, TURN_CROP_SIDE } from '../cpp/rio-core.ts';

const here = import.meta.dirname;
const W = 1280, H = 720;

/** A frame with card-like detail everywhere: text-sized strokes over smooth colour, so any misplaced sample differs. */
function cameraFrame(): Uint8Array {
  const px = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const stroke = (Math.floor(x / 9) * 7 + Math.floor(y / 13) * 3) % 5 === 0 ? 80 : 0;
    px.set([Math.max(0, 128 + 60 * Math.sin(x / 7) * Math.cos(y / 11) - stroke), Math.max(0, 100 + 50 * Math.sin((x + y) / 17) - stroke), (x * 3 + y * 5) % 256],
      (y * W + x) * 3);
  }
  return px;
}

// [name, quad, largest mean abs difference allowed]: inside the frame the two resamplers differ by rounding
// and filter weights (measured 0.001-0.004); a card over the frame's edge also by where the black begins.
const QUADS: [string, number[][], number][] = [
  ['tilted, larger than the 256 px region (box-filtered)', [[420, 180], [860, 210], [960, 600], [300, 560]], 0.006],
  ['rolled 45 degrees', [[640, 100], [940, 380], [640, 660], [340, 380]], 0.006],
  ['small (no downscale)', [[100, 100], [220, 110], [215, 180], [95, 170]], 0.006],
  ['starting at its top-right', [[860, 210], [960, 600], [300, 560], [420, 180]], 0.006],
  ['partly out of the frame', [[-40, 500], [300, 520], [290, 760], [-30, 740]], 0.015],
];

describe('the quarter-turn crop of the C++ core', () => {
  const work = mkdtempSync(join(tmpdir(), 'rio-turn-crop-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('is the crop quarter_turn.py trains on, pixel by pixel', () => {
    const frame = cameraFrame();
    writeFileSync(join(work, 'frame.rgb'), frame);
    writeFileSync(join(work, 'quads.json'), JSON.stringify(QUADS.map((q) => q[1])));
    const script = `
import json, sys
import numpy as np
from PIL import Image
sys.path.insert(0, ${JSON.stringify(here)})
from quarter_turn import card_aspect, card_crop
from train_quarter_turn import SUPERSAMPLE, card_region
work = sys.argv[1]
frame = Image.fromarray(np.fromfile(work + '/frame.rgb', np.uint8).reshape(${H}, ${W}, 3))
crops = []
for q in json.load(open(work + '/quads.json')):
    image, r = card_region(frame, np.asarray(q, np.float32))
    crops.append(card_crop(image, r, card_aspect(r), SUPERSAMPLE['frame']))
np.stack(crops).astype(np.float32).tofile(work + '/crops.f32')
`;
    const r = spawnSync('/usr/bin/python3', ['-c', script, work], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const trained = new Float32Array(readFileSync(join(work, 'crops.f32')).buffer.slice(0));
    const size = TURN_CROP_SIDE * TURN_CROP_SIDE * 3;
    assert.equal(trained.length, QUADS.length * size);
    for (const [i, [name, quad, bar]] of QUADS.entries()) {
      const c = quarterTurnCrop(frame, W, H, 3, quad as [number, number][]);
      if (c.error) assert.fail(`${name}: ${c.error.code}: ${c.error.message}`);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += Math.abs(c.crop[k]! - trained[i * size + k]!);
      console.log(`${name}: mean abs difference ${(sum / size).toFixed(4)}`);
      assert.ok(sum / size <= bar, `${name}: mean abs difference ${sum / size} > ${bar}`);
    }
  });
});
