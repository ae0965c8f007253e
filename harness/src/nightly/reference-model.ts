/**
 * The frozen reference model: the release .tflite copied once under .rio-farm/nightly/reference/
 * and pinned by its sha256. Every night runs it on every device as a control series; if the file
 * passed later differs from the pin, the control series would silently change meaning — refused
 * (bad input) unless the pin is deliberately moved.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RioError } from '../errors.ts';

export const DEFAULT_REFERENCE_MODEL = 'android-demo/model/release/rio.tflite';

export interface PinnedModel { path: string; sha256: string }

export function pinReferenceModel(source: string, dir: string, repin = false): PinnedModel {
  let bytes: Buffer;
  try { bytes = readFileSync(source); } catch (err) {
    throw new RioError('BAD_MODEL', `cannot read the reference model: ${(err as Error).message}`, { file: source });
  }
  if (bytes.subarray(4, 8).toString('latin1') !== 'TFL3') throw new RioError('BAD_MODEL', 'the reference model is not a .tflite flatbuffer', { file: source });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  mkdirSync(dir, { recursive: true });
  const pinFile = join(dir, 'pin.json');
  if (existsSync(pinFile) && !repin) {
    const pin = JSON.parse(readFileSync(pinFile, 'utf8')) as { sha256: string };
    if (pin.sha256 !== sha256) {
      throw new RioError('BAD_ARGUMENT', `the reference model changed (pinned ${pin.sha256.slice(0, 12)}, given ${sha256.slice(0, 12)}): `
        + 'its series would jump; pass --repin-reference to start a new control series', { option: '--reference-model' });
    }
  }
  const path = join(dir, `${sha256.slice(0, 16)}.tflite`);
  if (!existsSync(path)) copyFileSync(source, path);
  writeFileSync(pinFile, JSON.stringify({ sha256, source }, null, 1));
  return { path, sha256 };
}
