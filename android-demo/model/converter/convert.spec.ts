import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RioError } from '../../../harness/src/errors.ts';
import { loadTflite } from '../runtime/litert.ts';
import { loadOnnx } from '../runtime/onnx.ts';
import { convertOnnxToTflite } from './convert.ts';

const TOLERANCE = 1e-5;
let dir: string;
let graphs: string[];

/** Deterministic pseudo-random input in [-1, 1). */
function randomInput(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function compare(file: string, options: { fp16?: boolean; int8Weights?: boolean } = {}): Promise<number> {
  const bytes = readFileSync(join(dir, file));
  const { tflite } = convertOnnxToTflite(bytes, options);
  const onnx = await loadOnnx(bytes);
  const lite = await loadTflite(tflite);
  try {
    const shape = lite.inputs[0]!.shape;
    const x = randomInput(shape.reduce((a, b) => a * b, 1), file.length);
    const expected = (await onnx.run([{ shape, data: x }]))['y']!;
    const actual = (await lite.run([x]))['y'];
    assert.ok(actual, `${file}: TFLite output 'y' missing (outputs: ${lite.outputs.map((o) => o.name)})`);
    assert.deepEqual(actual.shape, expected.shape, `${file}: output shape`);
    let maxErr = 0;
    for (let i = 0; i < expected.data.length; i++) maxErr = Math.max(maxErr, Math.abs(expected.data[i]! - actual.data[i]!));
    return maxErr;
  } finally {
    lite.delete();
  }
}

describe('ONNX → TFLite converter', () => {
  // The graphs are made before the tests are declared so that each one is its own test.
  dir = mkdtempSync(join(tmpdir(), 'rio-convert-'));
  const made = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'test-graphs', 'make_graphs.py'), dir], { encoding: 'utf8' });
  graphs = made.status === 0 ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort() : [];
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the per-op test graphs with python3-onnx', () => {
    assert.equal(made.status, 0, made.stderr);
    assert.ok(graphs.length > 55, `expected the per-op graphs, found ${graphs.length}`);
  });

  for (const g of graphs.filter((f) => !f.startsWith('unsupported_'))) {
    it(`converts ${g.replace('.onnx', '')} matching onnxruntime to 1e-5`, async () => {
      const err = await compare(g);
      assert.ok(err <= TOLERANCE, `max abs error ${err}`);
    });
  }

  it('makes fp16 and int8-weight files smaller than fp32', () => {
    const bytes = readFileSync(join(dir, 'mini_fcn.onnx'));
    const size = (o: { fp16?: boolean; int8Weights?: boolean }) => convertOnnxToTflite(bytes, o).tflite.length;
    const fp32 = size({});
    assert.ok(size({ fp16: true }) < fp32, `fp16 ${size({ fp16: true })} vs fp32 ${fp32}`);
    assert.ok(size({ int8Weights: true }) < fp32, `int8 ${size({ int8Weights: true })} vs fp32 ${fp32}`);
  });

  it('keeps fp16 and int8-weight variants close to the float model', async () => {
    assert.ok((await compare('mini_fcn.onnx', { fp16: true })) < 5e-3);
    assert.ok((await compare('mini_fcn.onnx', { int8Weights: true })) < 0.1);
    assert.ok((await compare('conv_depthwise.onnx', { int8Weights: true })) < 0.1);
    assert.ok((await compare('convtranspose_k4_s2_p1.onnx', { int8Weights: true })) < 0.1);
  });

  it('rio-farm model convert writes the file, and exits 3 naming the op on an unsupported graph', () => {
    const cli = join(import.meta.dirname, '..', '..', '..', 'harness', 'bin', 'rio-farm.mjs');
    const ok = spawnSync(process.execPath, [cli, 'model', 'convert', join(dir, 'mini_fcn.onnx'), join(dir, 'mini_fcn.tflite'), '--fp16'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(readFileSync(join(dir, 'mini_fcn.tflite')).subarray(4, 8).toString(), 'TFL3');
    const bad = spawnSync(process.execPath, [cli, 'model', 'convert', join(dir, 'unsupported_softmax.onnx'), join(dir, 'x.tflite')], { encoding: 'utf8' });
    assert.equal(bad.status, 3);
    assert.match(bad.stderr, /UNSUPPORTED_OP: cannot convert ONNX Softmax node 'the_softmax'/);
  });

  for (const [file, op, node, reason] of [
    ['unsupported_softmax.onnx', 'Softmax', 'the_softmax', /op type not supported/],
    ['unsupported_resize_cubic.onnx', 'Resize', 'cubic_resize', /mode 'cubic'/],
    ['unsupported_maxpool_dilated.onnx', 'MaxPool', 'dilated_pool', /dilated pooling/],
  ] as const) {
    it(`refuses ${op} (${file}) naming the op type, node and reason`, () => {
      assert.throws(() => convertOnnxToTflite(readFileSync(join(dir, file))), (e: unknown) => {
        assert.ok(e instanceof RioError);
        assert.equal(e.code, 'UNSUPPORTED_OP');
        assert.match(e.message, new RegExp(`ONNX ${op} node '${node}'`));
        assert.match(e.message, reason);
        return true;
      });
    });
  }
});
