import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { slowerOnnx } from './slower-model.ts';
import { readOnnx } from '../../../android-demo/model/converter/onnx-model.ts';
import { convertOnnxToTflite } from '../../../android-demo/model/converter/convert.ts';
import { loadTflite } from '../../../android-demo/model/runtime/litert.ts';
import { RioError } from '../errors.ts';

const RELEASE_ONNX = fileURLToPath(new URL('../../../android-demo/model/release/rio.onnx', import.meta.url));
const RELEASE_TFLITE = fileURLToPath(new URL('../../../android-demo/model/release/rio.tflite', import.meta.url));

test('a slower copy has k more convolutions and computes bit-identical outputs in LiteRT.js', async () => {
  const onnx = readFileSync(RELEASE_ONNX);
  const convs = (b: Uint8Array) => readOnnx(b).nodes.filter((n) => n.opType === 'Conv').length;
  const slow = slowerOnnx(onnx, 3);
  assert.equal(convs(slow), convs(onnx) + 3);
  const [a, b] = await Promise.all([loadTflite(readFileSync(RELEASE_TFLITE)), loadTflite(convertOnnxToTflite(slow).tflite)]);
  const n = a.inputs[0]!.shape.reduce((x, y) => x * y, 1);
  const input = new Float32Array(n).map((_, i) => ((i * 7919) % 251) / 251);
  const [ra, rb] = [await a.run([input]), await b.run([input])];
  for (const k of Object.keys(ra)) assert.deepEqual(rb[k]!.data, ra[k]!.data, `output ${k}`);
  a.delete(); b.delete();
});

test('a bad count is refused naming the option', () => {
  assert.throws(() => slowerOnnx(readFileSync(RELEASE_ONNX), 0), (e: unknown) => e instanceof RioError && e.where?.option === '--extra-convs');
});
