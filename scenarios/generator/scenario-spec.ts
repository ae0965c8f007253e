/** A scenario after its script is validated and defaults applied: everything a frame needs. */
import type { CardDesign } from './card-design.ts';
import type { Background } from './backgrounds.ts';
import type { ParamName, ParamValue } from './conditions.ts';

/** A value constant over the scenario, or a linear ramp [first frame, last frame]. */
export type Ramp = number | [number, number];

export interface CardSpec {
  design: CardDesign;
  /** Offset of this card's centre from the first card's, plane millimetres. */
  offsetMm: [number, number];
  /** Extra rotation relative to the first card, degrees. */
  rotationDeg: number;
}

export interface CameraSpec {
  /** The card's long side as a fraction of the frame's short side, at zero tilt. */
  fill: Ramp;
  /** Plane tilt away from the sensor, degrees (≤ 45). */
  tilt: Ramp;
  tiltAxis: number;
  /** Card rotation in the frame, degrees. */
  roll: Ramp;
  /** Hand-held shake amplitude, pixels. */
  jitter: number;
  /** Card centre as a fraction of the frame size; outside 0…1 puts it partly out of frame. */
  position: [Ramp, Ramp];
  /** The card slides in from outside the frame during the first `frames` frames. */
  enter?: { from: 'left' | 'right' | 'top' | 'bottom'; frames: number };
}

export interface LightingSegment {
  at: number;
  condition: string;
  params: Partial<Record<ParamName, ParamValue>>;
}

export interface ScenarioSpec {
  suite: string;
  id: string;
  seed: number;
  frames: number;
  fps: number;
  resolution: [number, number];
  background: Background;
  cards: CardSpec[];
  camera: CameraSpec;
  /** Frames with a finger over the first card: [from, to] inclusive, or null. */
  finger: [number, number] | null;
  negativeFrames: number[];
  lighting: LightingSegment[];
}

/** Seeds at or above this are reserved for the train generator, so training never sees an eval frame. */
export const TRAIN_SEED_BASE = 1_000_000_000;
