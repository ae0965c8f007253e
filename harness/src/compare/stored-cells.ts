/**
 * The cells a run's compare summary keeps (cells_json, migration 115): per cell, the blocks of values
 * compare resamples (`cellSamples`), written once (CellWriter) and read back (decodeCells), then fitted
 * to a pairing's device keys (cellsFor) — a first comparison then needs no frame row.
 */
import { cellKey, type CellSamples, type DeviceKey, type MetricSamples } from './compare-runs.ts';
import type { Cluster } from '../stats/cluster-bootstrap.ts';
import type { FrameRule } from '../metrics/counted-frames.ts';
import { ALL_LIGHTING } from '../metrics/lighting.ts';
import { float64sOf, toBase64, uint32sOf } from './base64-arrays.ts';

/**
 * cells_json: per cell (`by` serial, or by model for vdevices: `device`; its serials in the frames' order) the
 * number of blocks of each metric (cpu: null when it carries none); the blocks in that order as
 * indexes into `block_keys` (base64 uint32s) and sizes (uint32s), their values (float64s).
 */
export interface EncodedCells {
  version: number; include_thermal: boolean; block_keys: string[];
  cells: { by: 'serial' | 'model'; device: string; serials: string[]; lighting: string; lat: number; iou: number; cpu: number | null }[];
  blocks: string; sizes: string; values: string;
}
const CELL_METRICS = ['lat', 'iou', 'cpu'] as const;

/** Collects cells' blocks into EncodedCells. */
export class CellWriter {
  private readonly keyIndex = new Map<string, number>();
  private readonly cells: EncodedCells['cells'] = [];
  private readonly blocks: number[] = [];
  private readonly sizes: number[] = [];
  private readonly values: number[] = [];
  constructor(private readonly version: number, private readonly rule: FrameRule) {}
  add(by: 'serial' | 'model', c: CellSamples): void {
    const count = ({ clusters }: MetricSamples) => {
      for (const { key, values } of clusters) {
        let i = this.keyIndex.get(key);
        if (i === undefined) this.keyIndex.set(key, i = this.keyIndex.size);
        this.blocks.push(i);
        this.sizes.push(values.length);
        for (const v of values) this.values.push(v);
      }
      return clusters.length;
    };
    this.cells.push({ by, device: c.key.device, serials: [...c.serials], lighting: c.lighting, lat: count(c.lat), iou: count(c.iou), cpu: c.cpu ? count(c.cpu) : null });
  }
  encoded(): EncodedCells {
    return { version: this.version, include_thermal: this.rule.includeThermal, block_keys: [...this.keyIndex.keys()], cells: this.cells,
      blocks: toBase64(Uint32Array.from(this.blocks)), sizes: toBase64(Uint32Array.from(this.sizes)), values: toBase64(Float64Array.from(this.values)) };
  }
}

/** A stored cell: its device (serial or model), serials (in the frames' order) and samples per metric, before compare keys it. */
export interface StoredCell { by: 'serial' | 'model'; device: string; serials: string[]; lighting: string; lat: MetricSamples; iou: MetricSamples; cpu: MetricSamples | null }

/** A run's stored cells and the frame rule they were drawn under. */
export interface StoredCells { includeThermal: boolean; cells: StoredCell[] }

/** The cells of an EncodedCells (its version checked by the caller). */
export function decodeCells(e: EncodedCells): StoredCells {
  const blockKeys = uint32sOf(e.blocks), sizes = uint32sOf(e.sizes), values = float64sOf(e.values);
  let b = 0, v = 0;
  // Views into the one decoded buffer, nothing copied: a metric's values are its blocks' back to back.
  const take = (n: number): MetricSamples => {
    const from = v;
    const clusters = Array.from({ length: n }, (): Cluster => {
      const size = sizes[b]!, key = e.block_keys[blockKeys[b++]!]!;
      return { key, values: values.subarray(v, v += size) };
    });
    return { clusters, values: values.subarray(from, v) };
  };
  const none: MetricSamples = { clusters: [], values: new Float64Array(0) };
  const cells = e.cells.map((c) => {
    const out: StoredCell = { by: c.by, device: c.device, serials: c.serials, lighting: c.lighting, lat: none, iou: none, cpu: null };
    for (const m of CELL_METRICS) { const n = c[m]; if (n !== null) out[m] = take(n); }
    return out;
  });
  return { includeThermal: e.include_thermal, cells };
}

/**
 * The side's cells under `keyOf` from its stored ones: each compared device's serials are one stored
 * device's — a single serial's own cells (whatever the device is keyed by), or a vdevice model's when
 * exactly its serials pool under it — else undefined (compare then needs the frames).
 */
export function cellsFor(stored: readonly StoredCell[], keyOf: (serial: string) => DeviceKey): Map<string, CellSamples> | undefined {
  const pooled = new Map<string, string[]>(); // compared device → its serials, in the frames' order
  for (const c of stored) {
    if (c.by !== 'serial' || c.lighting !== ALL_LIGHTING) continue;
    const k = cellKey(keyOf(c.device), ALL_LIGHTING);
    pooled.set(k, [...pooled.get(k) ?? [], c.device]);
  }
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((s, i) => s === y[i]);
  const out = new Map<string, CellSamples>();
  for (const serials of pooled.values()) {
    const by = serials.length === 1 ? 'serial' : 'model';
    const whole = stored.find((c) => c.by === by && c.lighting === ALL_LIGHTING && same(c.serials, serials));
    if (!whole) return undefined;
    const key = keyOf(serials[0]!);
    for (const c of stored) {
      if (c.by !== by || c.device !== whole.device) continue;
      out.set(cellKey(key, c.lighting), { key, lighting: c.lighting, serials: new Set(c.serials), lat: c.lat, iou: c.iou, cpu: c.cpu });
    }
  }
  return out;
}
