/** onnxruntime-node (CPU) behind the same small interface as the LiteRT.js loader, for parity runs. */
import * as ort from 'onnxruntime-node';
import type { FloatTensor } from './litert.ts';

export interface OnnxModel {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Runs one inference; inputs in model input order with their shapes, outputs keyed by name. */
  run(inputs: readonly FloatTensor[]): Promise<Record<string, FloatTensor>>;
}

/** Loads an ONNX model from bytes for single-threaded CPU inference (deterministic, frugal). */
export async function loadOnnx(bytes: Uint8Array): Promise<OnnxModel> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
  return {
    inputs: session.inputNames,
    outputs: session.outputNames,
    async run(inputs) {
      const feeds: Record<string, ort.Tensor> = {};
      inputs.forEach((t, i) => { feeds[session.inputNames[i]!] = new ort.Tensor('float32', t.data, [...t.shape]); });
      const result = await session.run(feeds);
      const out: Record<string, FloatTensor> = {};
      for (const name of session.outputNames) {
        const t = result[name]!;
        out[name] = { shape: [...t.dims], data: new Float32Array(t.data as Float32Array) };
      }
      return out;
    },
  };
}
