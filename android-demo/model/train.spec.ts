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
      assert.deepEqual(report.outputs.map((o) => o.output), ['heat', 'corners', 'mask']);
      assert.ok(report.maxAbs <= 1e-4, `max abs error ${report.maxAbs}`);
    } finally {
      tflite.close();
    }
  });
});
