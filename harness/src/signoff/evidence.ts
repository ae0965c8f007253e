/**
 * The raw evidence a sign-off is judged on, read back from the store: each block's run and its
 * per-frame measurements. The report and `signoff verify` both build their figures from this and
 * nothing else, so a stored sign-off always recomputes to the same numbers.
 */
import { countsForLatency, DEFAULT_FRAME_RULE, frameIoU, processedByApp } from '../metrics/counted-frames.ts';
import type { Store } from '../store/index.ts';
import type { MeasurementRow } from '../store/rows.ts';
import { pairOf, type Arm } from './blocks.ts';

/** One stored block: which run measured which arm where, and whether it counts. */
export interface BlockRecord {
  serial: string;
  unit: number;
  position: number;
  arm: Arm;
  run_id: string;
  chunk: number;
  /** retry number of this block (0 = first try) */
  retry: number;
  valid: number;
  invalid_reason: string | null;
  thermal_max: number | null;
  battery_temp_max: number | null;
  wall_ms: number;
}

/** What one frame contributes: latency if it may be timed, and its crop outcome. */
export interface FrameOutcome {
  key: string;
  lighting: string;
  negative: boolean;
  /** null: dropped, errored or thermal-flagged — not a latency sample */
  tTotal: number | null;
  /** the inference call's thread CPU time (`t_infer_cpu`) on the same frames; null also when the app reports none */
  tInferCpu: number | null;
  cards: number;
  matched: number;
  iou: number;
  detections: number;
  seen: boolean;
}

export interface Block extends BlockRecord { frames: FrameOutcome[] }

/** A baseline block and the candidate block beside it, on the same frames. */
export interface BlockPair { serial: string; unit: number; pair: number; candidate: Block; baseline: Block }

export function frameOutcome(m: Pick<MeasurementRow, 'scenario_id' | 'frame_index' | 'repeat_index' | 'lighting' | 'negative' | 't_total' | 'dropped' | 'thermal_flag' | 'error' | 'cards' | 'matched' | 'iou' | 'detections'>
  & { t_infer_cpu?: number | null }): FrameOutcome {
  // Which frames count: the one rule (counted-frames.ts); a throttled block is invalid anyway.
  const timed = countsForLatency(m, DEFAULT_FRAME_RULE);
  return {
    key: `${m.scenario_id}#${m.repeat_index}#${m.frame_index}`, lighting: m.lighting, negative: Boolean(m.negative),
    tTotal: timed ? m.t_total : null, tInferCpu: timed && typeof m.t_infer_cpu === 'number' ? m.t_infer_cpu : null, cards: m.cards, matched: m.matched, iou: frameIoU(m), detections: m.detections, seen: processedByApp(m),
  };
}

/** Loads every block's frames from the store (ordered, so the result does not depend on row order). */
export async function loadBlocks(store: Store, records: readonly BlockRecord[]): Promise<Block[]> {
  const out: Block[] = [];
  for (const r of records) {
    const rows = await store.measurements(r.run_id);
    out.push({ ...r, frames: rows.filter((m) => m.serial === r.serial).map(frameOutcome) });
  }
  return out;
}

/** Valid block pairs, in (serial, unit, pair) order: a pair with an invalid block is left out whole. */
export function pairBlocks(blocks: readonly Block[]): BlockPair[] {
  const latest = new Map<string, Block>();
  // The last retry of a block position is the one that counts.
  for (const b of [...blocks].sort((x, y) => x.retry - y.retry)) latest.set(`${b.serial}|${b.unit}|${b.position}`, b);
  const pairs = new Map<string, Partial<BlockPair>>();
  for (const b of latest.values()) {
    const k = `${b.serial}|${b.unit}|${pairOf(b.position)}`;
    const p = pairs.get(k) ?? { serial: b.serial, unit: b.unit, pair: pairOf(b.position) };
    p[b.arm] = b;
    pairs.set(k, p);
  }
  return [...pairs.values()]
    .filter((p): p is BlockPair => Boolean(p.candidate?.valid && p.baseline?.valid))
    .sort((a, b) => a.serial.localeCompare(b.serial) || a.unit - b.unit || a.pair - b.pair);
}
