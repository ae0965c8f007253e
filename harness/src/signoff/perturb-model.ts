/**
 * A deterministic perturbed copy of a model, for sign-off demos and power checks: every float
 * initializer of the ONNX graph is multiplied by (1 + scale·u), u uniform in [−1, 1] from a seeded
 * stream, and the result is converted with the project's converter. Same input, scale and seed →
 * the same bytes.
 */
import { createRequire } from 'node:module';
import { seededRandom } from '../stats/bootstrap.ts';
import { RioError } from '../errors.ts';

const require = createRequire(import.meta.url);
const FLOAT = 1; // onnx.TensorProto.DataType.FLOAT

interface Tensor { dataType?: number; rawData?: Uint8Array; floatData?: number[] }
interface ModelProto { graph?: { initializer?: Tensor[] } }
interface OnnxNs { ModelProto: { decode(b: Uint8Array): ModelProto; encode(m: ModelProto): { finish(): Uint8Array } } }

/** Perturbed ONNX bytes; throws BAD_MODEL when there is nothing to perturb. */
export function perturbOnnx(bytes: Uint8Array, scale: number, seed: number): Uint8Array {
  const { onnx } = require('onnx-proto') as { onnx: OnnxNs };
  const model = onnx.ModelProto.decode(bytes);
  const rnd = seededRandom(seed);
  let changed = 0;
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== FLOAT) continue;
    if (t.rawData && t.rawData.length) {
      const copy = new Uint8Array(t.rawData); // own, aligned buffer
      const w = new Float32Array(copy.buffer, 0, copy.length / 4);
      for (let i = 0; i < w.length; i++) w[i] = w[i]! * (1 + scale * (2 * rnd() - 1));
      t.rawData = copy;
      changed += w.length;
    } else if (t.floatData?.length) {
      t.floatData = t.floatData.map((x) => x * (1 + scale * (2 * rnd() - 1)));
      changed += t.floatData.length;
    }
  }
  if (changed === 0) throw new RioError('BAD_MODEL', 'no float initializers to perturb');
  return onnx.ModelProto.encode(model).finish();
}
