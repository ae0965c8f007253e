/**
 * The sign-off's measurement design: blocks of frames, ABBA order, and the frames each unit
 * replays. A unit is four blocks on one device — baseline, candidate, candidate, baseline — over
 * the same scenarios, so linear drift (heat, background load) cancels within each unit, and each
 * adjacent (baseline, candidate) pair saw identical frames.
 */
export type Arm = 'candidate' | 'baseline';

/** ABBA: A = baseline, B = candidate. Positions 0–1 form pair 0, positions 2–3 pair 1. */
export const UNIT_ORDER: readonly Arm[] = ['baseline', 'candidate', 'candidate', 'baseline'];
export const pairOf = (position: number) => (position < 2 ? 0 : 1);

export interface ScenarioSize { id: string; frames: number }

/**
 * Slices the suite into chunks of about `blockFrames` frames. Chunk c takes every C-th scenario
 * (c, c + C, …) rather than C consecutive ones: suites list scenarios condition by condition, and a
 * strided slice mixes lightings into every block, so a short sign-off still covers many of them.
 */
export function planChunks(scenarios: readonly ScenarioSize[], blockFrames: number): string[][] {
  const total = scenarios.reduce((n, s) => n + s.frames, 0);
  const count = Math.max(1, Math.min(scenarios.length, Math.floor(total / blockFrames)));
  const chunks: string[][] = Array.from({ length: count }, () => []);
  scenarios.forEach((s, i) => chunks[i % count]!.push(s.id));
  return chunks;
}

/** Units per chunk: every chunk's lightings are then in at least two units, the least a cell's bootstrap needs. */
export const UNITS_PER_CHUNK = 2;

/** The chunk unit `u` replays: units walk through the chunks in order, two units each, then start over. */
export const chunkOfUnit = (unit: number, chunks: number) => Math.floor(unit / UNITS_PER_CHUNK) % chunks;
