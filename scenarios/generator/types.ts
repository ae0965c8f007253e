/** The scenarios API other areas build on (fixed in the team brief). */
import type { Quad } from '../../harness/src/metrics/quad.ts';
import type { ManifestCamera } from '../../android-demo/contract/manifest-schema.ts';

export interface TruthCard {
  /** Full quad, clockwise from the card's own top-left, frame pixels (may extend outside the frame). */
  quad: Quad;
  /** Fraction of the card's area visible in the frame (inside it and not occluded), 0…1. */
  visible: number;
}

export interface TruthFrame {
  index: number;
  /** Absolute host path of the JPEG. */
  path: string;
  sha256: string;
  width: number;
  height: number;
  /** No card visible in this frame. */
  negative: boolean;
  cards: TruthCard[];
  lighting: { tags: string[]; params: Record<string, number> };
}

export interface BuiltScenario {
  id: string;
  suite: string;
  conditions: string[];
  background: string;
  fps: number;
  resolution: [number, number];
  truthPath: string;
  frames: TruthFrame[];
  /** The camera that shot the frames, when known: field of view across the longer frame side (crops use it). */
  camera?: ManifestCamera;
}

export interface BuiltSuite {
  name: string;
  dir: string;
  scenarios: BuiltScenario[];
}

export const TRUTH_SCHEMA = 'rio-truth/1';
