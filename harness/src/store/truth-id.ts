/**
 * A scenario's truth id: the sha256 of what its stored frame rows say (content hash, size, lighting,
 * card quads). The runner names truth by it, and ingest recomputes it from an upload's frame rows, so
 * an upload cannot store false quads under the truth id a later local run of the same scenario uses.
 */
import { createHash } from 'node:crypto';
import type { ScenarioFrameRow } from './rows.ts';

export type TruthFrameFields = Omit<ScenarioFrameRow, 'suite' | 'scenario_id' | 'truth_sha256'>;

/** The truth id of one scenario's frames (any order in, frame order hashed). */
export function truthId(frames: readonly TruthFrameFields[]): string {
  const ordered = [...frames].sort((a, b) => a.frame_index - b.frame_index)
    .map((f) => [f.frame_index, f.sha256, f.width, f.height, f.negative, f.lighting, f.lighting_params_json, f.cards_json]);
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}
