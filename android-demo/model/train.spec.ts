import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertOnnxToTflite } from './converter/convert.ts';
import { loadEvalFrames } from './evaluation/eval-frames.ts';
import { loadRunner } from './evaluation/model-runner.ts';
import { measureParity } from './evaluation/parity.ts';
import { loadTflite } from './runtime/litert.ts';
import { loadOnnx } from './runtime/onnx.ts';

const here = import.meta.dirname;
const repo = join(here, '..', '..');

describe('train.py --smoke end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'rio-train-smoke-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('dumps train frames, trains, exports ONNX, converts to TFLite and agrees with ONNX on smoke frames', async () => {
    const dump = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'dump-train.ts'), '--frames', '16', '--offset', '900000', '--out', join(work, 'dump')],
      { cwd: repo, encoding: 'utf8' });
    assert.equal(dump.status, 0, dump.stderr);
    const index = JSON.parse(readFileSync(join(work, 'dump', 'index.json'), 'utf8')) as { frames: unknown[] };
    assert.equal(index.frames.length, 16);

    const train = spawnSync('/usr/bin/python3', [join(here, 'train.py'), '--data', join(work, 'dump'), '--out', join(work, 'run'), '--smoke'],
      { cwd: repo, encoding: 'utf8' });
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /step 4 full/);
    assert.ok(existsSync(join(work, 'run', 'rio.pt')));

    const onnxPath = join(work, 'run', 'rio.onnx');
    const tflitePath = join(work, 'run', 'rio.tflite');
    writeFileSync(tflitePath, convertOnnxToTflite(readFileSync(onnxPath)).tflite);
    const onnx = await loadRunner(onnxPath);
    const tflite = await loadRunner(tflitePath);
    try {
      const frames = await loadEvalFrames('smoke', 3);
      const report = await measureParity(onnx, tflite, frames);
      assert.equal(report.frames, 3);
      assert.deepEqual(report.outputs.map((o) => o.output), ['heat', 'corners', 'mask', 'orient']);
      assert.ok(report.maxAbs <= 1e-4, `max abs error ${report.maxAbs}`);

      // export.py --no-orient: the same net without the orientation head, every other output unchanged
      const bare = join(work, 'no-orient');
      const exported = spawnSync('/usr/bin/python3', [join(here, 'export.py'), join(work, 'run', 'checkpoint.pt'), bare, '--no-orient'],
        { cwd: repo, encoding: 'utf8' });
      assert.equal(exported.status, 0, exported.stderr);
      const state = spawnSync('/usr/bin/python3', ['-c', `import torch, sys; print(sum(k.startswith('orient_head.') for k in torch.load(sys.argv[1])))`,
        join(bare, 'rio.pt')], { encoding: 'utf8' });
      assert.equal(state.stdout.trim(), '0', state.stderr);
      const onnxBare = await loadRunner(join(bare, 'rio.onnx'));
      assert.deepEqual(onnxBare.outputNames, ['heat', 'corners', 'mask']);
      const same = await measureParity(onnx, onnxBare, frames);
      assert.deepEqual(same.outputs.map((o) => o.output), ['heat', 'corners', 'mask']);
      assert.ok(same.maxAbs <= 1e-6, `no-orient export moved an output by ${same.maxAbs}`);
    } finally {
      tflite.close();
    }
  });
});

describe('train_data.py targets', () => {
  // A card in frame pixels (1280x720, stretched to the 256x256 input): its corners in mask pixels
  // (stride 2) are (30,35.6) (90,37.3) (88,87.1) (32,85.3).
  const quad = [[300, 200], [900, 220], [880, 490], [320, 480]];
  const script = `
import json, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(here)})
from train_data import targets
frame = {'width': 1280, 'height': 720, 'negative': False, 'cards': [{'quad': ${JSON.stringify(quad)}}]}
out = {}
for scale in (1.0, 0.5):
    heat, corners, weight, mask = targets(frame, scale)
    y, x = np.unravel_index(np.argmax(heat), heat.shape)
    stride = 256 * scale / heat.shape[1]
    decoded = [[float((x + 0.5) * stride + corners[2 * k, y, x] * 256 * scale), float((y + 0.5) * stride + corners[2 * k + 1, y, x] * 256 * scale)] for k in range(4)]
    out[str(scale)] = {'mask_shape': list(mask.shape), 'points': np.argwhere(mask[1] == 1.0)[:, ::-1].tolist(),
                       'cover': float(mask[0].sum()), 'decoded': decoded}
print(json.dumps(out))
`;

  it('puts a corner point on the pixel of each card corner, the mask coverage on its area, and offsets that decode to its corners', () => {
    const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, { mask_shape: number[]; points: number[][]; cover: number; decoded: number[][] }>;
    const inInput = quad.map(([x, y]) => [x! * 256 / 1280, y! * 256 / 720]);
    const area = (q: number[][]) => Math.abs(q.reduce((s, p, i) => { const n = q[(i + 1) % 4]!; return s + p[0]! * n[1]! - n[0]! * p[1]!; }, 0)) / 2;
    for (const [scale, t] of Object.entries(out)) {
      const s = Number(scale);
      assert.deepEqual(t.mask_shape, [2, 128 * s, 128 * s]);
      const expected = inInput.map(([x, y]) => [Math.floor(x! * s / 2), Math.floor(y! * s / 2)]);
      assert.deepEqual([...t.points].sort(), [...expected].sort(), `scale ${s}: corner points at ${JSON.stringify(t.points)}`);
      const maskArea = area(inInput.map(([x, y]) => [x! * s / 2, y! * s / 2]));
      assert.ok(Math.abs(t.cover / maskArea - 1) < 0.02, `scale ${s}: coverage ${t.cover} vs area ${maskArea}`);
      t.decoded.forEach(([x, y], k) => assert.ok(Math.hypot(x! - inInput[k]![0]! * s, y! - inInput[k]![1]! * s) < 1e-3, `scale ${s}: corner ${k} decodes to ${x},${y}`));
    }
  });
});


describe('domain_rand.py (training-time domain randomisation)', () => {
  it('replaces desks but keeps the card, zeroes every target of a hard negative, adds signal-dependent sensor noise, reproducibly, from training photos only; pastes a second card keeping both; the orientation target follows the corners', () => {
    const r = spawnSync('/usr/bin/python3', [join(here, 'domain_rand_test.py')], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /7 passed/);
  });
});

describe('quarter_turn.py (which way up a detected card is)', () => {
  it('crops the card with its first corner at the top-left (from the input or a camera frame), a rolled quad gives the crop turned by as many quarters, the class rolls it back, and synthetic card faces are laid as crops are', () => {
    const r = spawnSync('/usr/bin/python3', [join(here, 'quarter_turn_test.py')], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /6 passed/);
  });
});

describe('card faces, occluders and detection-like quads (what the quarter-turn classifier trains and validates on)', () => {
  it('names the Debian package of a missing font, keeps training and validation fonts apart, never hides more than 35% of a card, and labels each face with the turn that makes it', () => {
    const r = spawnSync('/usr/bin/python3', [join(here, 'card_faces_test.py')], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /7 passed/);
  });
});

describe('no_card.py (crops that are not one card: the classifier\'s fifth class)', () => {
  it('keeps quads away from cards, on part of one or over two within their IoU bounds, draws sheets without marks, labels every no-card crop 4 in crops shaped like a card\'s, and validates on held-apart scenes only', () => {
    const r = spawnSync('/usr/bin/python3', [join(here, 'no_card_test.py')], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /6 passed/);
  });
});

describe('quarter_turn.py export (the crop classifier as the app would run it)', () => {
  const work = mkdtempSync(join(tmpdir(), 'rio-quarter-turn-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  // A net with BatchNorm statistics away from identity (folding must carry them), its ONNX file, and
  // PyTorch's logits for a few crops, written next to the crops they came from.
  const script = `
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(here)})
from quarter_turn import CROP, QuarterTurnNet, export_onnx
torch.manual_seed(5)
net = QuarterTurnNet(classes=int(sys.argv[2]))
for m in net.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 1.5); m.weight.data.uniform_(0.5, 1.5)
net.classify.weight.data *= 30  # logits far enough apart that a misplaced axis or weight shows
net.eval()
export_onnx(net, sys.argv[1] + '/qt.onnx')
# a card-like crop (colour ramp, a red top-left block), the same a quarter turned, and a dark noisy one
ramp = torch.linspace(0, 1, CROP)
card = (ramp[None, :, None] * torch.tensor([1.0, 0.3, 0.6]) + 0.3 * torch.rand(CROP, CROP, 3)).clamp(0, 1)
card[:CROP // 3, :CROP // 2] = torch.tensor([0.9, 0.1, 0.1])
crops = torch.stack([card, torch.rot90(card, 1, (0, 1)), 0.3 * torch.rand(CROP, CROP, 3)]).contiguous()
crops.numpy().tofile(sys.argv[1] + '/crops.f32')
with torch.no_grad():
    print(json.dumps(net(crops.permute(0, 3, 1, 2)).tolist()))
`;

  for (const classes of [4, 5]) it(`exports to ONNX that rio-farm converts to TFLite, and both give PyTorch's ${classes} logits`, async () => {
    const r = spawnSync('/usr/bin/python3', ['-c', script, work, String(classes)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as number[][];
    const turnGap = Math.max(...expected[0]!.map((v, k) => Math.abs(v - expected[1]![k]!)));
    assert.ok(turnGap > 1e-3, `a quarter turn moves the logits by more than the tolerance: ${turnGap}`);
    const onnxBytes = readFileSync(join(work, 'qt.onnx'));
    const onnx = await loadOnnx(onnxBytes);
    const tflite = await loadTflite(convertOnnxToTflite(onnxBytes).tflite);
    try {
      const all = new Float32Array(readFileSync(join(work, 'crops.f32')).buffer.slice(0));
      const size = all.length / expected.length;
      for (const [i, logits] of expected.entries()) {
        const crop = all.slice(i * size, (i + 1) * size);
        const viaOnnx = (await onnx.run([{ shape: [1, 64, 64, 3], data: crop }])).quarter_turn!;
        const viaTflite = Object.values(await tflite.run([crop]))[0]!;
        assert.deepEqual([...viaOnnx.shape], [1, classes]);
        assert.deepEqual([...viaTflite.shape], [1, classes]);
        for (const [k, want] of logits.entries()) {
          assert.ok(Math.abs(viaOnnx.data[k]! - want) <= 1e-4, `crop ${i} logit ${k}: ONNX ${viaOnnx.data[k]} vs PyTorch ${want}`);
          assert.ok(Math.abs(viaTflite.data[k]! - want) <= 1e-4, `crop ${i} logit ${k}: TFLite ${viaTflite.data[k]} vs PyTorch ${want}`);
        }
      }
    } finally {
      tflite.delete();
    }
  });
});
