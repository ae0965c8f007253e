/**
 * `rio-farm compare A B`: per device × lighting, how latency and crop IoU moved from run A to run B,
 * with a bootstrap 95% CI of the difference, a Mann–Whitney p-value, and a verdict per cell:
 * better / worse / no significant change / insufficient data. A change must be both statistically
 * clear (the CI excludes 0) and large enough to matter (the thresholds below), like Perfherder and
 * the Chromium dashboard do — tiny but "significant" shifts on thousands of frames are noise here.
 */
import type { MeasurementRow, RunDeviceView } from '../store/rows.ts';
import { bootstrapDiffCI, seedFrom, type SortedStatistic } from '../stats/bootstrap.ts';
import { mannWhitney } from '../stats/mann-whitney.ts';
import { mean, median, quantileSorted } from '../stats/descriptive.ts';
import { modelLabel } from '../fingerprint/device-fingerprint.ts';
import { ALL_LIGHTING } from '../metrics/lighting.ts';
import { countsForAccuracy, countsForLatency, DEFAULT_FRAME_RULE, frameIoU, type FrameRule } from '../metrics/counted-frames.ts';

/** Fewer samples than this on either side: no verdict. */
export const MIN_SAMPLES = 10;
/** Smallest latency change worth reporting, relative to A's median. */
export const LATENCY_MIN_CHANGE = 0.02;
/** Smallest mean-IoU change worth reporting (absolute). */
export const IOU_MIN_CHANGE = 0.01;

export type Verdict = 'better' | 'worse' | 'no significant change' | 'insufficient data';

export interface MetricDiff {
  nA: number; nB: number;
  a: number | null; b: number | null;
  /** b − a with its 95% CI */
  diff: number | null; lo: number | null; hi: number | null;
  p: number | null;
  verdict: Verdict;
}

export interface CompareCell {
  /** the serial when the same phone is in both runs, else its model label */
  device: string;
  /** model label of the matched devices (null: a serial the run never registered) */
  model: string | null;
  /** virtual and real devices are never in one cell */
  virtual: boolean | null;
  /** which serials' frames went into each side */
  serials: { a: string[]; b: string[] };
  lighting: string;
  latency: MetricDiff; iou: MetricDiff;
}

/** The device columns compare reads (a full RunDeviceView fits). */
export type CompareDevice = Pick<RunDeviceView, 'serial' | 'manufacturer' | 'model' | 'virtual'>;
/** The measurement columns compare reads (a full MeasurementRow fits). */
export type CompareMeasurement = Pick<MeasurementRow, 'serial' | 'lighting' | 't_total' | 'dropped' | 'error' | 'thermal_flag' | 'cards' | 'iou'>;
/** rule: the run's own (its `--include-thermal`), so each side's figures are its report's; default excludes thermal. */
export interface RunSide { id: string; devices: readonly CompareDevice[]; measurements: readonly CompareMeasurement[]; rule?: FrameRule }

interface DeviceKey { device: string; model: string | null; virtual: boolean | null }

export function compareRuns(a: RunSide, b: RunSide): CompareCell[] {
  return [...compareCells(a, b)];
}

/**
 * The same cells one at a time: each costs a few bootstraps (~50 ms for 2,000 frames a side), so a
 * server can yield to other requests between them instead of stalling for the whole comparison.
 */
export function* compareCells(a: RunSide, b: RunSide): Generator<CompareCell> {
  const kindOf = (side: RunSide) => new Map(side.devices.map((d) => [d.serial, Boolean(d.virtual)]));
  const ka = kindOf(a), kb = kindOf(b);
  // The same phone (serial, and the same kind: an emulator's 127.0.0.1:PORT may later be a vdevice's)
  // is compared with itself; otherwise devices are matched by model (vdevices get new serials each run).
  const common = new Set([...ka.keys()].filter((s) => kb.has(s) && ka.get(s) === kb.get(s)));
  const keyer = (side: RunSide) => {
    const bySerial = new Map(side.devices.map((d): [string, DeviceKey] => {
      const model = modelLabel(d);
      return [d.serial, { device: common.has(d.serial) ? d.serial : model, model, virtual: Boolean(d.virtual) }];
    }));
    return (serial: string): DeviceKey => bySerial.get(serial) ?? { device: serial, model: null, virtual: null };
  };
  const ga = group(a.measurements, keyer(a));
  const gb = group(b.measurements, keyer(b));
  const keys = [...new Set([...ga.keys(), ...gb.keys()])].sort();
  for (const k of keys) {
    const ea = ga.get(k), eb = gb.get(k);
    const { key, lighting } = (ea ?? eb)!;
    const ra = ea?.rows ?? [], rb = eb?.rows ?? [];
    // Which frames count: counted-frames.ts, each side under its own run's rule.
    const lat = (rows: CompareMeasurement[], side: RunSide) => rows.filter((m) => countsForLatency(m, side.rule ?? DEFAULT_FRAME_RULE)).map((m) => m.t_total!);
    const iou = (rows: CompareMeasurement[]) => rows.filter(countsForAccuracy).map(frameIoU);
    // The seed keeps the device and lighting only, so a cell's CI does not move with the kind tag.
    const seedKey = JSON.stringify([key.device, lighting]);
    yield {
      device: key.device, model: key.model, virtual: key.virtual, lighting,
      serials: { a: [...ea?.serials ?? []].sort(), b: [...eb?.serials ?? []].sort() },
      latency: diffOf(lat(ra, a), lat(rb, b), median, medianSorted, 'lower', (x, base) => Math.abs(x) >= LATENCY_MIN_CHANGE * Math.abs(base), seedFrom(`${seedKey}/lat`)),
      iou: diffOf(iou(ra), iou(rb), mean, mean, 'higher', (x) => Math.abs(x) >= IOU_MIN_CHANGE, seedFrom(`${seedKey}/iou`)),
    };
  }
}

interface Group { key: DeviceKey; lighting: string; serials: Set<string>; rows: CompareMeasurement[] }

/** Rows per (device, kind, lighting), plus every device's all-lightings cell. */
function group(rows: readonly CompareMeasurement[], keyOf: (serial: string) => DeviceKey): Map<string, Group> {
  const out = new Map<string, Group>();
  const add = (key: DeviceKey, lighting: string, r: CompareMeasurement) => {
    // The kind is part of the key: a virtual and a real device never share a cell, whatever their labels.
    const k = JSON.stringify([key.device, key.virtual === null ? 'unknown' : key.virtual ? 'virtual' : 'real', lighting]);
    let g = out.get(k);
    if (!g) out.set(k, g = { key, lighting, serials: new Set(), rows: [] });
    g.serials.add(r.serial);
    g.rows.push(r);
  };
  for (const r of rows) {
    const key = keyOf(r.serial);
    add(key, r.lighting, r);
    add(key, ALL_LIGHTING, r);
  }
  return out;
}

const medianSorted = (sorted: Float64Array) => quantileSorted(sorted, 0.5);

/** stat of the samples; sortedStat, the same statistic of an ascending-sorted resample (the bootstrap's). */
function diffOf(a: number[], b: number[], stat: (xs: readonly number[]) => number, sortedStat: SortedStatistic, good: 'lower' | 'higher',
  matters: (diff: number, base: number) => boolean, seed: number): MetricDiff {
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const base = { nA: a.length, nB: b.length, a: a.length ? fin(stat(a)) : null, b: b.length ? fin(stat(b)) : null };
  if (a.length < MIN_SAMPLES || b.length < MIN_SAMPLES) return { ...base, diff: null, lo: null, hi: null, p: null, verdict: 'insufficient data' };
  const diff = stat(b) - stat(a);
  const [lo, hi] = bootstrapDiffCI(a, b, sortedStat, seed);
  const p = mannWhitney(a, b).p;
  let verdict: Verdict = 'no significant change';
  if ((lo > 0 || hi < 0) && matters(diff, stat(a))) {
    const up = diff > 0;
    verdict = (good === 'higher') === up ? 'better' : 'worse';
  }
  return { ...base, diff, lo, hi, p, verdict };
}
