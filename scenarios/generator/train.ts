/**
 * The train generator: as many random scenarios as the model needs. Seeds start at TRAIN_SEED_BASE,
 * which suite scripts may not use, so no training frame is ever an evaluation frame.
 */
import { RioError } from '../../harness/src/errors.ts';
import { Rng } from './rng.ts';
import { BACKGROUNDS, type Background } from './backgrounds.ts';
import { CONDITION_NAMES } from './conditions.ts';
import { randomDesign } from './card-design.ts';
import { TRAIN_SEED_BASE, type LightingSegment, type ScenarioSpec } from './scenario-spec.ts';

export interface TrainOptions {
  /** Total frames wanted (rounded up to whole scenarios). */
  frames?: number;
  /** Fixed frame size; by default a mix of 640×360 landscape and 360×640 portrait. */
  resolution?: [number, number];
  framesPerScenario?: number;
  /** First train scenario, to build a range in pieces. */
  offset?: number;
  /** Desks to draw from (default all): a focused set for the scenes a model gets wrong (clutter). */
  backgrounds?: readonly Background[];
}

export const DEFAULT_TRAIN_FRAMES = 2000;

/**
 * The validation split: generator scenarios held out from training, on which post-processing
 * thresholds are chosen (so the evaluation suites stay untouched by any choice). Camera resolution,
 * 4 frames a scenario: 300 scenes.
 */
export const VALIDATION = { offset: 500_000, scenarios: 300, framesPerScenario: 4, resolution: [1280, 720] as [number, number] };

export function trainSpecs(opts: TrainOptions = {}): ScenarioSpec[] {
  const per = opts.framesPerScenario ?? 8;
  const count = Math.ceil((opts.frames ?? DEFAULT_TRAIN_FRAMES) / per);
  const first = opts.offset ?? 0;
  if (first < VALIDATION.offset + VALIDATION.scenarios && first + count > VALIDATION.offset) {
    throw new RioError('BAD_ARGUMENT', `train scenarios ${first}..${first + count - 1} overlap the validation split `
      + `(${VALIDATION.offset}..${VALIDATION.offset + VALIDATION.scenarios - 1}); choose another offset`, { option: 'offset' });
  }
  const unknown = opts.backgrounds?.find((b) => !(BACKGROUNDS as readonly string[]).includes(b));
  if (unknown !== undefined || opts.backgrounds?.length === 0) {
    throw new RioError('BAD_ARGUMENT', `backgrounds: '${unknown ?? ''}' is not a desk (known: ${BACKGROUNDS.join(', ')})`, { option: 'backgrounds' });
  }
  return range(first, count, per, opts.resolution, opts.backgrounds);
}

export function validationSpecs(): ScenarioSpec[] {
  return range(VALIDATION.offset, VALIDATION.scenarios, VALIDATION.framesPerScenario, VALIDATION.resolution);
}

function range(first: number, count: number, per: number, resolution?: [number, number], focus?: readonly Background[]): ScenarioSpec[] {
  const specs: ScenarioSpec[] = [];
  for (let k = 0; k < count; k++) specs.push(trainScenario(first + k, per, resolution, focus));
  return specs;
}

/** `focus`: the desks of a focused range (default: every desk). */
function trainScenario(n: number, frames: number, resolution?: [number, number], focus?: readonly Background[]): ScenarioSpec {
  const seed = TRAIN_SEED_BASE + n;
  const rng = Rng.of(seed, 'train');
  const res: [number, number] = resolution ?? (rng.chance(0.3) ? [360, 640] : [640, 360]);
  const cardCount = rng.chance(0.04) ? 0 : rng.chance(0.12) ? 2 : 1;
  const cards = Array.from({ length: cardCount }, (_, k) => ({
    design: randomDesign(rng),
    offsetMm: (k === 0 ? [0, 0] : [rng.pick([-1, 1]) * rng.range(60, 80), rng.range(-40, 40)]) as [number, number],
    rotationDeg: k === 0 ? 0 : rng.range(-30, 30),
  }));
  const outOfFrame = rng.chance(0.15);
  const pos = () => (outOfFrame ? rng.range(-0.05, 1.05) : rng.range(0.32, 0.68));
  const t0 = rng.range(0, 40), t1 = Math.min(45, Math.max(0, t0 + rng.range(-10, 10)));
  const r0 = rng.range(-180, 180);
  const lighting: LightingSegment[] = [{ at: 0, condition: rng.pick(CONDITION_NAMES), params: {} }];
  if (rng.chance(0.2)) lighting.push({ at: rng.int(1, frames - 1), condition: rng.pick(CONDITION_NAMES), params: {} });
  const negativeFrames = rng.chance(0.1) ? [rng.int(0, frames - 1)] : [];
  return {
    // a focused range names its desks: its scenes differ from the default range's at the same offset
    suite: 'train', id: `train-${focus ? `${focus.join('+')}-` : ''}${String(n).padStart(6, '0')}`,
    seed, frames, fps: 30, resolution: res,
    background: rng.pick(focus ?? BACKGROUNDS), cards,
    camera: {
      fill: [rng.range(0.3, 0.95), rng.range(0.3, 0.95)], tilt: [t0, t1], tiltAxis: rng.range(0, 360),
      roll: [r0, r0 + rng.range(-20, 20)], jitter: rng.range(0, 8), position: [[pos(), pos()], [pos(), pos()]],
      enter: rng.chance(0.08) ? { from: rng.pick(['left', 'right', 'top', 'bottom'] as const), frames: rng.int(2, frames - 2) } : undefined,
    },
    finger: cardCount > 0 && rng.chance(0.2) ? [0, frames - 1] : null,
    negativeFrames,
    lighting,
  };
}
