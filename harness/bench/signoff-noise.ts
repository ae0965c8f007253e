/** The recorded vdevice A/A noise fixture (written by signoff-record.ts) and how to read it back as blocks. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Block } from '../src/signoff/evidence.ts';
import { UNIT_ORDER } from '../src/signoff/blocks.ts';

export const NOISE_FIXTURE = fileURLToPath(new URL('./fixtures/signoff-noise.json', import.meta.url));

/** A frame as [key, lighting, negative, tTotal, cards, matched, iou, detections, seen, tInferCpu] (the last absent in fixtures recorded before t_infer_cpu). */
type FrameTuple = [string, string, number, number | null, number, number, number, number, number, (number | null)?];
export interface NoiseFixture {
  recorded: string; suite?: string; signoff: string; verdict: string; wall_ms: number; model: string;
  blocks: { serial: string; unit: number; position: number; valid: number; wall_ms: number; frames: FrameTuple[] }[];
}

/** Recorded units per device: four blocks each, in ABBA position order. */
export function recordedUnits(path: string = NOISE_FIXTURE): Map<string, Block[][]> {
  const fx = JSON.parse(readFileSync(path, 'utf8')) as NoiseFixture;
  const units = new Map<string, Map<number, Block[]>>();
  for (const b of fx.blocks) {
    const block: Block = { serial: b.serial, unit: b.unit, position: b.position, arm: UNIT_ORDER[b.position]!, run_id: `rec-${b.serial}-${b.unit}-${b.position}`,
      chunk: b.unit, retry: 0, valid: b.valid, invalid_reason: null, thermal_max: 0, battery_temp_max: null, wall_ms: b.wall_ms,
      frames: b.frames.map(([key, lighting, negative, tTotal, cards, matched, iou, detections, seen, tInferCpu]) =>
        ({ key, lighting, negative: Boolean(negative), tTotal, tInferCpu: tInferCpu ?? null, cards, matched, iou, detections, seen: Boolean(seen) })) };
    const dev = units.get(b.serial) ?? new Map<number, Block[]>();
    dev.set(b.unit, [...(dev.get(b.unit) ?? []), block].sort((x, y) => x.position - y.position));
    units.set(b.serial, dev);
  }
  return new Map([...units].map(([serial, m]) => [serial, [...m.values()].filter((u) => u.length === 4 && u.every((b) => b.valid))]));
}
