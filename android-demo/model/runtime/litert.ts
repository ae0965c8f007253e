/**
 * LiteRT.js (WASM TFLite) in Node: the one loader shared by the model tools (convert tests, parity,
 * table) and the app's host twin, so every host-side TFLite run goes through the same runtime.
 *
 * LiteRT.js is written for browsers and workers: its loader only knows `importScripts` or a
 * `<script>` tag. In Node we define `self` and an `importScripts` that evaluates the emscripten
 * loader file as CommonJS; emscripten then reads the .wasm beside it from disk. Models are loaded
 * from bytes (a path would go through fetch). Threads do not work here: single-threaded 'wasm'.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { CompiledModel } from '@litertjs/core';

const require = createRequire(import.meta.url);

/** A named float32 tensor: shape plus row-major data (NHWC for images). */
export interface FloatTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A compiled .tflite ready to run on the host CPU. */
export interface TfliteModel {
  readonly inputs: readonly { name: string; shape: number[] }[];
  readonly outputs: readonly { name: string; shape: number[] }[];
  /** Runs one inference; inputs in model input order, outputs keyed by tensor name. */
  run(inputs: readonly Float32Array[]): Promise<Record<string, FloatTensor>>;
  delete(): void;
}

type LiteRtModule = typeof import('@litertjs/core');
let runtime: Promise<LiteRtModule> | undefined;

function wasmDir(): string {
  const pkgJson = require.resolve('@litertjs/core/package.json');
  return join(dirname(pkgJson), 'wasm');
}

/** Installs the browser-worker globals LiteRT.js's loader expects, once. */
function installWorkerShim(): void {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.importScripts === 'function') return;
  g.self ??= globalThis;
  g.importScripts = (url: string) => {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url;
    const source = readFileSync(file, 'utf8');
    const module = { exports: {} as unknown };
    const wrapper = new Script(`(function (module, exports, require, __filename, __dirname) {${source}\n})`, { filename: file });
    (wrapper.runInThisContext() as (...a: unknown[]) => void)(module, module.exports, require, file, dirname(file));
    g.ModuleFactory = module.exports;
  };
}

/** Loads the LiteRT.js WASM runtime once per process. */
export function loadRuntime(): Promise<LiteRtModule> {
  runtime ??= (async () => {
    installWorkerShim();
    const litert = await import('@litertjs/core');
    // LiteRT.js warns about WebGPU being absent; that is expected on a host CPU.
    const warn = console.warn;
    console.warn = () => {};
    try {
      // A directory lets LiteRT.js pick the build this Node supports (Node 20 lacks relaxed SIMD → compat build).
      // The emscripten module reads print/printErr from `self.Module`; LiteRT's own INFO/WARNING
      // chatter (accelerator registry, NPU absent) would drown CLI output, so only errors pass
      // unless RIO_LITERT_LOG=1.
      const verbose = process.env.RIO_LITERT_LOG === '1';
      (globalThis as Record<string, unknown>).Module = {
        print: (s: string) => { if (verbose) process.stdout.write(`${s}\n`); },
        printErr: (s: string) => { if (verbose || !/^(INFO|WARNING): /.test(s)) process.stderr.write(`${s}\n`); },
      };
      await litert.loadLiteRt(wasmDir() + '/');
    } finally {
      console.warn = warn;
    }
    return litert;
  })();
  return runtime;
}

/** Compiles a .tflite held in memory for single-threaded CPU inference. */
export async function loadTflite(bytes: Uint8Array): Promise<TfliteModel> {
  const litert = await loadRuntime();
  const warn = console.warn;
  console.warn = () => {};
  let compiled: CompiledModel;
  try {
    compiled = await litert.loadAndCompile(new Uint8Array(bytes), { accelerator: 'wasm' });
  } finally {
    console.warn = warn;
  }
  const inputs = compiled.getInputDetails().map((d) => ({ name: d.name, shape: [...d.shape] }));
  const outputs = compiled.getOutputDetails().map((d) => ({ name: d.name, shape: [...d.shape] }));
  return {
    inputs,
    outputs,
    async run(data) {
      const tensors = data.map((d, i) => new litert.Tensor(d, inputs[i]!.shape));
      try {
        const results = await compiled.run(tensors);
        const out: Record<string, FloatTensor> = {};
        results.forEach((t, i) => {
          out[outputs[i]!.name] = { shape: outputs[i]!.shape, data: new Float32Array(t.toTypedArray() as Float32Array) };
          t.delete();
        });
        return out;
      } finally {
        for (const t of tensors) t.delete();
      }
    },
    delete: () => compiled.delete(),
  };
}
