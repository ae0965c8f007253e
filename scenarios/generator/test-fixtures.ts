/** Scenario specs for the generator's tests: one frame, one known card, chosen lighting. */
import sharp from 'sharp';
import { planFrames, scenarioSetup } from './frame-plan.ts';
import { buildAssets, renderFrame } from './render-frame.ts';
import type { ScenarioSpec } from './scenario-spec.ts';
import type { ParamName, ParamValue } from './conditions.ts';

export function testSpec(over: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    suite: 'test', id: 'test', seed: 4242, frames: 1, fps: 30, resolution: [640, 360], background: 'wood',
    cards: [{ design: { style: 'white', finish: 'glossy', script: 'latin', layout: 'horizontal', size: '90x50mm', logo: true, seed: 3 }, offsetMm: [0, 0], rotationDeg: 0 }],
    camera: { fill: 0.7, tilt: 10, tiltAxis: 20, roll: 8, jitter: 0, position: [0.5, 0.5] },
    finger: null, negativeFrames: [], lighting: [{ at: 0, condition: 'daylight', params: {} }],
    ...over,
  };
}

/** Renders frame 0 of a spec under a condition; returns decoded RGB bytes and the truth. */
export async function renderUnder(spec: ScenarioSpec, condition: string, params: Partial<Record<ParamName, ParamValue>> = {}) {
  const s = { ...spec, lighting: [{ at: 0, condition, params }] };
  const plans = planFrames(s);
  const setup = scenarioSetup(s, plans, JSON.stringify(s));
  const frame = await renderFrame(setup, await buildAssets(setup), plans[0]!);
  const { data, info } = await sharp(frame.jpeg).raw().toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height, jpeg: frame.jpeg, cards: frame.cards, params: plans[0]!.params };
}
