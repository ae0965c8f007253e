/**
 * From a scenario to per-frame plans: camera pose, card placement, finger, lighting parameters.
 * Plans are small and serialisable, so worker threads render them; all randomness comes from the
 * scenario seed here, never from the worker.
 */
import { Rng } from './rng.ts';
import { cardSizeMm } from './card-design.ts';
import { cardToPlane, focalPx, planeToFrame } from './camera.ts';
import { apply, invert, mul, type Mat3 } from './homography.ts';
import { CONDITIONS, PARAM_DEFAULTS, PARAM_NAMES, type LightingParams, type ParamValue } from './conditions.ts';
import type { Finger } from './scene-render.ts';
import type { PlaneExtent } from './backgrounds.ts';
import type { Ramp, ScenarioSpec } from './scenario-spec.ts';

export interface FramePlan {
  index: number;
  planeToFrame: Mat3;
  /** Cards in this frame (none in a negative frame): index into the scenario's cards. */
  cards: { card: number; toPlane: Mat3 }[];
  fingers: Finger[];
  condition: string;
  params: LightingParams;
  noiseSeed: number;
}

/** What a worker needs once per scenario: textures are built from this and reused for its frames. */
export interface ScenarioSetup {
  key: string;
  width: number;
  height: number;
  background: ScenarioSpec['background'];
  backgroundSeed: number;
  plane: PlaneExtent;
  designs: ScenarioSpec['cards'][number]['design'][];
  cardPxPerMm: number;
}

const ramp = (r: Ramp, t: number) => (typeof r === 'number' ? r : r[0] + (r[1] - r[0]) * t);
const SKIN: [number, number, number][] = [[0.62, 0.38, 0.28], [0.45, 0.26, 0.17], [0.25, 0.13, 0.08], [0.7, 0.48, 0.38]];
/** Largest plane texture, texels: bounds memory and build time; mirrored addressing covers the rest. */
const MAX_PLANE_TEXELS = 1_600_000;
/**
 * Desk texels per frame pixel. Below 1 the desk is slightly soft, as it is behind a card the camera
 * focuses on, and the texture (built once per scenario) costs a third as much.
 */
const PLANE_DETAIL = 0.6;
const FINGER_WIDTH_MM = 17;

export function planFrames(spec: ScenarioSpec): FramePlan[] {
  const [w, h] = spec.resolution;
  const f = focalPx(w, h), short = Math.min(w, h);
  const rng = Rng.of(spec.seed, 'camera');
  const ph = [rng.range(0, 6.28), rng.range(0, 6.28), rng.range(0, 6.28), rng.range(0, 6.28)];
  const [cw0, ch0] = cardSizeMm(spec.cards[0]?.design ?? { size: '90x50mm', layout: 'horizontal' } as never);
  const long0 = Math.max(cw0, ch0);
  const negatives = new Set(spec.negativeFrames);
  const plans: FramePlan[] = [];
  for (let i = 0; i < spec.frames; i++) {
    const t = spec.frames > 1 ? i / (spec.frames - 1) : 0;
    const c = spec.camera;
    const fill = ramp(c.fill, t);
    const d = (f * long0) / (fill * short);
    const ts = i / spec.fps;
    let px = ramp(c.position[0], t) * w + c.jitter * (Math.sin(2 * Math.PI * 1.3 * ts + ph[0]!) + 0.6 * Math.sin(2 * Math.PI * 3.1 * ts + ph[1]!)) / 1.6;
    let py = ramp(c.position[1], t) * h + c.jitter * (Math.sin(2 * Math.PI * 1.1 * ts + ph[2]!) + 0.6 * Math.sin(2 * Math.PI * 2.7 * ts + ph[3]!)) / 1.6;
    if (c.enter && i < c.enter.frames) {
      // Ease from fully outside the frame to the scripted position.
      const k = i / c.enter.frames, e = 1 - (1 - k) * (1 - k), out = fill * short * 0.75;
      if (c.enter.from === 'left') px = -out + (px + out) * e;
      if (c.enter.from === 'right') px = w + out + (px - w - out) * e;
      if (c.enter.from === 'top') py = -out + (py + out) * e;
      if (c.enter.from === 'bottom') py = h + out + (py - h - out) * e;
    }
    const H = planeToFrame({ width: w, height: h, distanceMm: d, tiltDeg: ramp(c.tilt, t), tiltAxisDeg: c.tiltAxis, centre: [px, py] });
    const roll = ramp(c.roll, t), rr = (roll * Math.PI) / 180;
    const cards = negatives.has(i) ? [] : spec.cards.map((card, k) => {
      const [W, Hh] = cardSizeMm(card.design);
      const [ox, oy] = card.offsetMm;
      const centre: [number, number] = [ox * Math.cos(rr) - oy * Math.sin(rr), ox * Math.sin(rr) + oy * Math.cos(rr)];
      return { card: k, toPlane: cardToPlane(W, Hh, centre, roll + card.rotationDeg) };
    });
    const fingers: Finger[] = [];
    if (spec.finger && cards.length > 0 && i >= spec.finger[0] && i <= spec.finger[1]) {
      fingers.push(fingerOn(spec, cards[0]!.toPlane, H, w, h));
    }
    const { condition, params } = lightingAt(spec, i);
    plans.push({ index: i, planeToFrame: H, cards, fingers, condition, params, noiseSeed: Rng.of(spec.seed, 'noise', i).int(1, 2 ** 31 - 1) });
  }
  return plans;
}

/** A thumb holding the card's lower edge, coming from outside the frame. */
function fingerOn(spec: ScenarioSpec, cardToPlane: Mat3, H: Mat3, w: number, h: number): Finger {
  const rng = Rng.of(spec.seed, 'finger');
  const [W, Hh] = cardSizeMm(spec.cards[0]!.design);
  const toFrame = mul(H, cardToPlane);
  const u = rng.range(0.2, 0.8) * W, depth = rng.range(5, 11);
  const tip = apply(toFrame, u, Hh - depth);
  const outward = apply(toFrame, u + rng.range(-15, 15), Hh + 40);
  const dx = outward[0] - tip[0], dy = outward[1] - tip[1], len = Math.hypot(dx, dy) || 1;
  const diag = Math.hypot(w, h);
  const pxPerMm = Math.hypot(...sub(apply(toFrame, W, 0), apply(toFrame, 0, 0))) / W;
  return { tip, base: [tip[0] + (dx / len) * diag, tip[1] + (dy / len) * diag], widthPx: FINGER_WIDTH_MM * pxPerMm, skin: rng.pick(SKIN) };
}

const sub = (a: readonly [number, number], b: readonly [number, number]): [number, number] => [a[0] - b[0], a[1] - b[1]];

/** The lighting segment in force at frame i and its parameters resolved for that frame. */
export function lightingAt(spec: ScenarioSpec, i: number): { condition: string; params: LightingParams } {
  const segs = spec.lighting;
  let s = 0;
  while (s + 1 < segs.length && segs[s + 1]!.at <= i) s++;
  const seg = segs[s]!;
  const end = s + 1 < segs.length ? segs[s + 1]!.at : spec.frames;
  const t = end - 1 > seg.at ? (i - seg.at) / (end - 1 - seg.at) : 0;
  const merged: Partial<Record<string, ParamValue>> = { ...PARAM_DEFAULTS, ...CONDITIONS[seg.condition]!.params, ...seg.params };
  const params = {} as LightingParams;
  for (const name of PARAM_NAMES) {
    const v = merged[name]!;
    params[name] = typeof v === 'number' ? v : Array.isArray(v) ? v[0] + (v[1] - v[0]) * t
      : Rng.of(spec.seed, 'param', s, name).range(v.uniform[0], v.uniform[1]);
  }
  params.jpeg_quality = Math.round(Math.min(100, Math.max(1, params.jpeg_quality)));
  return { condition: seg.condition, params };
}

/** Texture sizes for the scenario: the desk area all frames see, and a card resolution that keeps text sharp. */
export function scenarioSetup(spec: ScenarioSpec, plans: FramePlan[], key: string): ScenarioSetup {
  const [w, h] = spec.resolution;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, ppm = 0, cardPpm = 0;
  for (const p of plans) {
    const M = invert(p.planeToFrame);
    const o = apply(p.planeToFrame, 0, 0);
    const local = Math.hypot(...sub(apply(p.planeToFrame, 1, 0), o));
    ppm = Math.max(ppm, local);
    cardPpm = Math.max(cardPpm, local, Math.hypot(...sub(apply(p.planeToFrame, 0, 1), o)));
    const reach = (Math.max(w, h) / local) * 1.5; // bound on the far side of a tilted plane
    for (const [x, y] of [[0, 0], [w, 0], [w, h], [0, h], [w / 2, 0], [w / 2, h], [0, h / 2], [w, h / 2]] as const) {
      const wz = M[6] * x + M[7] * y + M[8];
      let [X, Y] = apply(M, x, y);
      if (wz <= 0 || !Number.isFinite(X)) continue;
      const oX = apply(M, w / 2, h / 2);
      X = Math.min(oX[0] + reach, Math.max(oX[0] - reach, X));
      Y = Math.min(oX[1] + reach, Math.max(oX[1] - reach, Y));
      minX = Math.min(minX, X); minY = Math.min(minY, Y); maxX = Math.max(maxX, X); maxY = Math.max(maxY, Y);
    }
  }
  const wMm = maxX - minX + 20, hMm = maxY - minY + 20;
  ppm = Math.min(ppm * PLANE_DETAIL, Math.sqrt(MAX_PLANE_TEXELS / (wMm * hMm)));
  return {
    key, width: w, height: h, background: spec.background, backgroundSeed: Rng.of(spec.seed, 'background').int(0, 2 ** 31 - 1),
    plane: { originMm: [minX - 10, minY - 10], widthPx: Math.max(2, Math.ceil(wMm * ppm)), heightPx: Math.max(2, Math.ceil(hMm * ppm)), pxPerMm: ppm },
    designs: spec.cards.map((c) => c.design),
    cardPxPerMm: Math.min(16, Math.max(4, Math.ceil(cardPpm * 1.25))),
  };
}
