import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { RioError } from '../../errors.ts';

function readModelFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new RioError('NOT_FOUND', `cannot read ${path}: ${(err as Error).message}`, { file: path });
  }
}

/** Registers `rio-farm model`: convert (ONNX → TFLite). The logic lives in android-demo/model/. */
export function registerModel(program: Command): void {
  const model = program.command('model').description('RIO model tools: ONNX → TFLite conversion, parity, size/quantisation table');

  model.command('convert')
    .description('convert an ONNX model to TensorFlow Lite with rio-farm\'s own converter')
    .argument('<in.onnx>', 'ONNX model (static shapes)')
    .argument('<out.tflite>', 'TFLite file to write')
    .option('--fp16', 'store float weights as float16')
    .option('--int8-weights', 'int8 per-channel convolution weights (dynamic-range quantization)')
    .action(async (input: string, output: string, opts: { fp16?: boolean; int8Weights?: boolean }) => {
      const { convertOnnxToTflite } = await import('../../../../android-demo/model/converter/convert.ts');
      const result = convertOnnxToTflite(readModelFile(input), opts);
      writeFileSync(output, result.tflite);
      const ops = Object.entries(result.onnxOps).map(([k, v]) => `${k}×${v}`).join(' ');
      process.stdout.write(`${output}: ${result.tflite.length} bytes, ${result.tfliteOperators} TFLite operators (from ONNX ${ops})\n`);
    });
}
