/**
 * A frame as the model sees it: decoded like the app (host twin's decoder) and preprocessed by
 * the app's own C++ core (stretch to the contract input, bilinear, RGB/255). Shared by the
 * training dump, parity and the table so every host-side number uses the app's input.
 */
import { decodeFrame } from '../../host/frame-pipeline.ts';
import { preprocess } from '../../cpp/rio-core.ts';
import { RioError } from '../../../harness/src/errors.ts';

/** The NHWC float32 model input for the JPEG at `path`, plus the frame size. */
export async function modelInputOf(path: string): Promise<Float32Array> {
  return (await decodedModelInput(path)).input;
}

export async function decodedModelInput(path: string): Promise<{ input: Float32Array; width: number; height: number }> {
  const frame = await decodeFrame(path);
  const pre = preprocess(frame.rgb, frame.width, frame.height, 3);
  if (pre.error) throw new RioError('BAD_SCENARIO', `cannot preprocess ${path}: ${pre.error.message}`, { file: path });
  return { input: pre.input, width: frame.width, height: frame.height };
}
