/**
 * Evaluation frames of a suite, decoded and preprocessed once (by the app's own code) and kept
 * as uint8 so several model variants can be run over the same inputs.
 */
import { buildSuite } from '../../../scenarios/generator/index.ts';
import { lightingKey } from '../../../harness/src/metrics/lighting.ts';
import type { TruthCard } from '../../../harness/src/metrics/crop-match.ts';
import { decodedModelInput } from './frames.ts';

export interface EvalFrame {
  readonly id: string;
  /** the camera frame's file: the quarter-turn classifier crops from the frame, not the model input */
  readonly path: string;
  readonly condition: string;
  readonly negative: boolean;
  readonly width: number;
  readonly height: number;
  readonly cards: readonly TruthCard[];
  /** The model input ×255, NHWC. */
  readonly pixels: Uint8Array;
}

/** The float32 model input of a frame. */
export function inputOf(f: EvalFrame): Float32Array {
  const out = new Float32Array(f.pixels.length);
  for (let i = 0; i < out.length; i++) out[i] = f.pixels[i]! / 255;
  return out;
}

/** Builds (or reuses) the suite and prepares every frame; `limit` keeps the first N frames. */
export async function loadEvalFrames(suite: string, limit = Infinity): Promise<EvalFrame[]> {
  const built = await buildSuite(suite);
  const frames: EvalFrame[] = [];
  for (const scenario of built.scenarios) {
    for (const f of scenario.frames) {
      if (frames.length >= limit) return frames;
      const { input } = await decodedModelInput(f.path);
      const pixels = new Uint8Array(input.length);
      // Exact: the core's input is an 8-bit resize divided by 255.
      for (let i = 0; i < input.length; i++) pixels[i] = Math.round(input[i]! * 255);
      frames.push({ id: `${scenario.id}#${f.index}`, path: f.path, condition: lightingKey(f.lighting.tags), negative: f.negative,
        width: f.width, height: f.height, cards: f.cards, pixels });
    }
  }
  return frames;
}
