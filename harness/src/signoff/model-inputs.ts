/**
 * What each arm of a sign-off installs: PATH is a .tflite (the vdevice demo APK is built around
 * it, exactly as `rio-farm run --model` does), an APK (its assets/rio.tflite is the model), or an
 * .onnx (converted first with the project's converter; its parity against onnxruntime is a gate).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import JSZip from 'jszip';
import { RioError } from '../errors.ts';
import { resolveApk } from '../run/run-suite.ts';
import type { ModelIdentity } from './report.ts';

/** Frames the parity check of a converted .onnx runs on: the smoke suite, as `rio-farm model parity` does by default. */
export const PARITY_SUITE = 'smoke';
const APK_MODEL_ENTRY = 'assets/rio.tflite';

export interface ArmInput { identity: ModelIdentity; apk: string; parityMaxAbs?: number }

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function read(path: string, option: string): Buffer {
  try { return readFileSync(path); } catch (err) {
    throw new RioError('BAD_ARGUMENT', `cannot read ${option} ${path}: ${(err as Error).message}`, { option });
  }
}

export async function prepareArm(path: string, option: '--candidate' | '--baseline', workDir: string): Promise<ArmInput> {
  const bytes = read(path, option);
  const lower = path.toLowerCase();
  if (lower.endsWith('.apk')) {
    const zip = await JSZip.loadAsync(bytes).catch(() => { throw new RioError('BAD_APK', `${option} is not an APK (zip)`, { file: path }); });
    const entry = zip.file(APK_MODEL_ENTRY);
    if (!entry) throw new RioError('BAD_APK', `${option} has no ${APK_MODEL_ENTRY}`, { file: path });
    const model = await entry.async('uint8array');
    return { apk: path, identity: { input: basename(path), input_kind: 'apk', input_sha256: sha256(bytes), tflite_sha256: sha256(model), apk_sha256: sha256(bytes), tflite_bytes: model.length } };
  }
  let tflitePath = path;
  let parityMaxAbs: number | undefined;
  let kind: ModelIdentity['input_kind'] = 'tflite';
  if (lower.endsWith('.onnx')) {
    kind = 'onnx';
    const { convertOnnxToTflite } = await import('../../../android-demo/model/converter/convert.ts');
    const tflite = convertOnnxToTflite(bytes).tflite;
    mkdirSync(workDir, { recursive: true });
    tflitePath = join(workDir, `${option.slice(2)}.tflite`);
    writeFileSync(tflitePath, tflite);
    parityMaxAbs = await parity(path, tflitePath);
  } else if (!lower.endsWith('.tflite')) {
    throw new RioError('BAD_ARGUMENT', `${option} must be a .tflite, an .apk or an .onnx`, { option });
  }
  const model = read(tflitePath, option);
  const apk = await resolveApk({ model: tflitePath });
  return { apk, parityMaxAbs, identity: { input: basename(path), input_kind: kind, input_sha256: sha256(bytes), tflite_sha256: sha256(model),
    apk_sha256: sha256(read(apk, option)), tflite_bytes: model.length } };
}

/** Max abs output error of the converted model against onnxruntime on the parity frames. */
async function parity(onnxPath: string, tflitePath: string): Promise<number> {
  const { parityOf } = await import('../../../android-demo/model/evaluation/parity.ts');
  return (await parityOf(onnxPath, tflitePath, PARITY_SUITE)).maxAbs;
}
