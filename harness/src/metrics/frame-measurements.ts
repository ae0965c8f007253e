/**
 * Turns one validated results.json plus the scenario's ground truth into per-frame measurement
 * rows (stage latencies, crop match, thermal flag) — the rows the store keeps for every frame.
 */
import type { Results } from '../../../android-demo/contract/results-schema.ts';
import type { MeasurementRow } from '../store/rows.ts';
import { matchCrops, type TruthCard } from './crop-match.ts';
import { lightingKey } from './lighting.ts';

/** The parts of a scenario's TruthFrame (scenarios/generator) the metrics need. */
export interface FrameTruth {
  index: number;
  negative: boolean;
  cards: readonly TruthCard[];
  lighting: { tags: readonly string[] };
}

export interface AttemptIdentity {
  attempt_id: string; run_id: string; serial: string; scenario_id: string; repeat_index: number;
  /** thermal status seen by the harness around the attempt (max of its before/after samples) */
  harnessThermal: number;
}

/**
 * A frame is thermal-flagged when the device reported a thermal status above NONE at the start or
 * end of the scenario, or the harness saw one around it: results.json has no per-frame thermal
 * state, so the whole attempt is flagged.
 */
export function attemptThermal(r: Results, harnessThermal: number): number {
  return Math.max(r.device_state.start.thermal_status, r.device_state.end.thermal_status, harnessThermal);
}

export function measureFrames(results: Results, truth: ReadonlyMap<number, FrameTruth>, id: AttemptIdentity): MeasurementRow[] {
  const flagged = attemptThermal(results, id.harnessThermal) > 0 ? 1 : 0;
  return results.frames.map((f) => {
    const t = truth.get(f.index);
    const cards = t?.cards ?? [];
    const m = matchCrops(f.detections, cards);
    return {
      attempt_id: id.attempt_id, run_id: id.run_id, serial: id.serial, scenario_id: id.scenario_id,
      repeat_index: id.repeat_index, frame_index: f.index,
      lighting: t ? lightingKey(t.lighting.tags) : 'unknown',
      negative: t?.negative ? 1 : 0,
      t_decode: f.t_decode, t_pre: f.t_pre, t_infer: f.t_infer, t_post: f.t_post, t_total: f.t_total,
      t_turn: f.t_turn ?? null, t_infer_cpu: f.t_infer_cpu ?? null,
      dropped: f.dropped ? 1 : 0, thermal_flag: flagged,
      detections: f.detections.length, matched: m.matched, cards: m.cards, iou: m.iou,
      corner_err_px: m.cornerErrPx, corner_err_pct: m.cornerErrPct, false_detections: m.falseDetections,
      detections_json: JSON.stringify(f.detections),
      error: f.error ? `${f.error.code}: ${f.error.message}` : null,
    };
  });
}
