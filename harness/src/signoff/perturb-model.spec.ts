import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { perturbOnnx } from './perturb-model.ts';
import { readOnnx } from '../../../android-demo/model/converter/onnx-model.ts';

const RELEASE_ONNX = fileURLToPath(new URL('../../../android-demo/model/release/rio.onnx', import.meta.url));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('a perturbed copy is deterministic in (scale, seed), differs from the original, and is still a readable ONNX graph', () => {
  const onnx = readFileSync(RELEASE_ONNX);
  const a = perturbOnnx(onnx, 0.05, 1);
  assert.equal(sha(a), sha(perturbOnnx(onnx, 0.05, 1)));
  assert.notEqual(sha(a), sha(perturbOnnx(onnx, 0.05, 2)));
  assert.notEqual(sha(a), sha(onnx));
  assert.ok(readOnnx(a), 'the converter reads it');
});
