/**
 * Which rendered scenario stands for each UI spec parameter (lighting). The scenarios generator
 * names lighting conditions; the specs speak of daylight, dim, backlit and glare.
 */
import { buildSuite } from '../../generator/index.ts';
import type { BuiltScenario, TruthFrame } from '../../generator/index.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { truthSha } from '../../../harness/src/run/run-suite.ts';

/** Spec parameter → the generator's condition name. */
export const UI_LIGHTINGS = ['daylight', 'dim', 'backlit', 'glare'] as const;
const CONDITION_OF: Record<string, string> = { daylight: 'daylight', dim: 'dim_indoor', backlit: 'backlit', glare: 'glare' };
/** The suite the UI scenarios come from (small and cached after the first build). */
const UI_SUITE = process.env.RIO_UI_SUITE ?? 'smoke';

export interface PickedScenario {
  lighting: string;
  scenario: BuiltScenario;
  truthSha256: string;
  /** frames that show a card, in scenario order (the preview should find a card at once) */
  frames: TruthFrame[];
}

export async function pickUiScenarios(lightings: readonly string[]): Promise<PickedScenario[]> {
  const suite = await buildSuite(UI_SUITE);
  return lightings.map((lighting) => {
    const condition = CONDITION_OF[lighting];
    if (!condition) throw new RioError('BAD_ARGUMENT', `unknown UI lighting '${lighting}' (${UI_LIGHTINGS.join(', ')})`, { field: 'lighting' });
    const scenario = suite.scenarios.find((s) => s.conditions.length === 1 && s.conditions[0] === condition)
      ?? suite.scenarios.find((s) => s.conditions.includes(condition));
    if (!scenario) throw new RioError('BAD_SCENARIO', `suite ${UI_SUITE} has no scenario under condition ${condition}`, { field: 'lighting' });
    const frames = scenario.frames.filter((f) => !f.negative && f.cards.some((c) => c.visible >= 0.9));
    if (frames.length === 0) throw new RioError('BAD_SCENARIO', `scenario ${scenario.id} has no frame with a whole card`, { field: 'lighting' });
    return { lighting, scenario, truthSha256: truthSha(scenario), frames };
  });
}
