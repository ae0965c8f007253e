/**
 * `rio-farm compare A B`: per device × lighting, how latency and crop IoU moved from run A to run B,
 * with a bootstrap 95% CI of the difference, a Mann–Whitney p-value, and a verdict per cell:
 * better / worse / no significant change / insufficient data. A change must be both statistically
 * clear (the CI excludes 0) and large enough to matter (the thresholds below), like Perfherder and
 * the Chromium dashboard do — tiny but "significant" shifts on thousands of frames are noise here.
 */
import type { MeasurementRow, RunDeviceView } from '../store/rows.ts';
import { bootstrapDiffCI, seedFrom } from '../stats/bootstrap.ts';
import { mannWhitney } from '../stats/mann-whitney.ts';
import { mean, median } from '../stats/descriptive.ts';
import { modelLabel } from '../fingerprint/device-fingerprint.ts';
import { ALL_LIGHTING } from '../metrics/lighting.ts';

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

export interface CompareCell { device: string; lighting: string; latency: MetricDiff; iou: MetricDiff }

export interface RunSide { id: string; devices: readonly RunDeviceView[]; measurements: readonly MeasurementRow[] }

export function compareRuns(a: RunSide, b: RunSide): CompareCell[] {
  const common = new Set(a.devices.map((d) => d.serial).filter((s) => b.devices.some((x) => x.serial === s)));
  // The same phone (serial) is compared with itself; otherwise devices are matched by model (vdevices get new serials each run).
  const keyer = (side: RunSide) => {
    const label = new Map(side.devices.map((d) => [d.serial, modelLabel(d)]));
    return (serial: string) => (common.has(serial) ? serial : label.get(serial) ?? serial);
  };
  const ga = group(a.measurements, keyer(a));
  const gb = group(b.measurements, keyer(b));
  const keys = [...new Set([...ga.keys(), ...gb.keys()])].sort();
  return keys.map((k) => {
    const [device, lighting] = JSON.parse(k) as [string, string];
    const ra = ga.get(k) ?? [], rb = gb.get(k) ?? [];
    const lat = (rows: MeasurementRow[]) => rows.filter((m) => !m.dropped && !m.error && !m.thermal_flag && m.t_total !== null).map((m) => m.t_total!);
    const iou = (rows: MeasurementRow[]) => rows.filter((m) => m.cards > 0 && !m.dropped && !m.error).map((m) => m.iou ?? 0);
    return {
      device, lighting,
      latency: diffOf(lat(ra), lat(rb), median, 'lower', (x, base) => Math.abs(x) >= LATENCY_MIN_CHANGE * Math.abs(base), seedFrom(`${k}/lat`)),
      iou: diffOf(iou(ra), iou(rb), mean, 'higher', (x) => Math.abs(x) >= IOU_MIN_CHANGE, seedFrom(`${k}/iou`)),
    };
  });
}

function group(rows: readonly MeasurementRow[], key: (serial: string) => string): Map<string, MeasurementRow[]> {
  const out = new Map<string, MeasurementRow[]>();
  const add = (k: string, r: MeasurementRow) => { const l = out.get(k); if (l) l.push(r); else out.set(k, [r]); };
  for (const r of rows) {
    add(JSON.stringify([key(r.serial), r.lighting]), r);
    add(JSON.stringify([key(r.serial), ALL_LIGHTING]), r);
  }
  return out;
}

function diffOf(a: number[], b: number[], stat: (xs: readonly number[]) => number, good: 'lower' | 'higher',
  matters: (diff: number, base: number) => boolean, seed: number): MetricDiff {
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const base = { nA: a.length, nB: b.length, a: a.length ? fin(stat(a)) : null, b: b.length ? fin(stat(b)) : null };
  if (a.length < MIN_SAMPLES || b.length < MIN_SAMPLES) return { ...base, diff: null, lo: null, hi: null, p: null, verdict: 'insufficient data' };
  const diff = stat(b) - stat(a);
  const [lo, hi] = bootstrapDiffCI(a, b, stat, seed);
  const p = mannWhitney(a, b).p;
  let verdict: Verdict = 'no significant change';
  if ((lo > 0 || hi < 0) && matters(diff, stat(a))) {
    const up = diff > 0;
    verdict = (good === 'higher') === up ? 'better' : 'worse';
  }
  return { ...base, diff, lo, hi, p, verdict };
}
