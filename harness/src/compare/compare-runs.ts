/**
 * `rio-farm compare A B`: per device × lighting, how latency and crop IoU moved from run A to run B,
 * with a 95% CI of the difference, a Mann–Whitney p-value, and a verdict per cell:
 * better / worse / no significant change / insufficient data. A change must be both statistically
 * clear (the CI excludes 0) and large enough to matter (the thresholds below), like Perfherder and
 * the Chromium dashboard do — tiny but "significant" shifts on thousands of frames are noise here.
 *
 * The CI resamples what is independent: blocks of consecutive frames of a scenario repeat (paired
 * when both runs replayed the same blocks), never single frames. Frames of one run also share the
 * night's host and device state, which no resampling within a pair can see: given earlier runs of
 * A's build (`history`), the spread of the cell's statistic between those runs widens the CI
 * (`run-noise.ts`); with too few of them the cell says which noise it could account for.
 */
import type { MeasurementRow, RunDeviceView } from '../store/rows.ts';
import { seedFrom } from '../stats/bootstrap.ts';
import { clusterDiffCI, pooledMean, pooledMedian, type Cluster, type PooledStatistic, type StoredResamples } from '../stats/cluster-bootstrap.ts';
import { betweenRunHalfWidth, historyStats, type HistoryStats } from './run-noise.ts';
import { summaryOf, type CompareSummary } from './compare-summary.ts';
import { mannWhitneySorted } from '../stats/mann-whitney.ts';
import { mean, median, quantileSorted } from '../stats/descriptive.ts';
import { modelLabel } from '../fingerprint/device-fingerprint.ts';
import { ALL_LIGHTING } from '../metrics/lighting.ts';
import { RioError } from '../errors.ts';
import { CPU_FLOOR_QUANTILE } from '../metrics/cpu-floor.ts';
import { countsForAccuracy, countsForLatency, DEFAULT_FRAME_RULE, frameIoU, type FrameRule } from '../metrics/counted-frames.ts';

/** Fewer samples than this on either side: no verdict. */
export const MIN_SAMPLES = 10;
/** Smallest latency change worth reporting, relative to A's figure (median; floor of CPU time on a vdevice). */
export const LATENCY_MIN_CHANGE = 0.02;
/** Smallest mean-IoU change worth reporting (absolute). */
export const IOU_MIN_CHANGE = 0.01;

/** 'not judged': figures shown, no verdict — a vdevice's CPU-time floor per lighting (latencyDiff). */
export type Verdict = 'better' | 'worse' | 'no significant change' | 'insufficient data' | 'not judged';

/**
 * Consecutive frames resampled together: shorter than a scenario (20 frames in the nightly suite,
 * so each scenario gives two blocks and the scenario's difficulty pairs out), long enough that
 * neighbouring frames' shared state stays inside one block.
 */
export const BLOCK_FRAMES = 10;
/** Fewer blocks than this on a side: a cluster bootstrap cannot tell anything. */
export const MIN_BLOCKS = 4;
/** Whether a side has enough blocks and values for a bootstrap interval (else the cell is "insufficient data"). */
export const drawsCI = (c: readonly Cluster[]) => c.length >= MIN_BLOCKS && c.reduce((n, x) => n + x.values.length, 0) >= MIN_SAMPLES;

/** Which noise a cell's CI accounts for. */
export type NoiseModel = 'blocks' | 'blocks + between-run history' | 'none';

export interface MetricDiff {
  nA: number; nB: number;
  a: number | null; b: number | null;
  /** b − a with its 95% CI */
  diff: number | null; lo: number | null; hi: number | null;
  p: number | null;
  verdict: Verdict;
  /** what the CI accounts for; with history, how many earlier runs of A's build gave the between-run spread */
  noise: NoiseModel; history_runs: number;
  /** latency only: what was measured (LatencyMeasure) */
  measure?: LatencyMeasure;
}

/**
 * Which latency a cell judges. A virtual device's wall time measures the farm host's load (the same
 * build's p50 moves 2x between runs on a shared host), its inference thread CPU time (`t_infer_cpu`)
 * does not — but on a VM the same instructions run ~50% slower while the physical core's other
 * tenants are busy, so only the floor (p05) of CPU time is the build's own cost (metrics/cpu-floor.ts).
 * Virtual cells are judged on the p05 of CPU time when both sides carry it; real phones on the
 * median of wall time.
 */
export type LatencyMeasure = 'wall' | 'inference thread CPU';

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
export type CompareMeasurement = Pick<MeasurementRow, 'serial' | 'scenario_id' | 'repeat_index' | 'frame_index' | 'lighting' | 't_total' | 'dropped' | 'error'
  | 'thermal_flag' | 'cards' | 'iou'> & Partial<Pick<MeasurementRow, 't_infer_cpu'>>;
/**
 * rule: the run's own (its `--include-thermal`), so each side's figures are its report's; default excludes thermal.
 * summary: what the run stored for comparisons (compare-summary.ts); it saves CPU and never changes a digit.
 */
export interface RunSide { id: string; devices: readonly CompareDevice[]; measurements: readonly CompareMeasurement[]; rule?: FrameRule; summary?: CompareSummary }

export interface DeviceKey { device: string; model: string | null; virtual: boolean | null }

export interface CompareOptions {
  /** earlier runs of A's build on the same devices (not A or B): their spread is the between-run noise */
  history?: readonly RunSide[];
}

export function compareRuns(a: RunSide, b: RunSide, o: CompareOptions = {}): CompareCell[] {
  return [...compareCells(a, b, o)];
}

/**
 * The same cells one at a time: each costs a few bootstraps (~50 ms for 2,000 frames a side), so a
 * server can yield to other requests between them instead of stalling for the whole comparison.
 */
export function* compareCells(a: RunSide, b: RunSide, o: CompareOptions = {}): Generator<CompareCell> {
  const common = commonSerials(a, b);
  const ga = sideCells(a, common), gb = sideCells(b, common);
  const keys = [...new Set([...ga.keys(), ...gb.keys()])].sort();
  const hist = historyStats(o.history ?? [], HISTORY_VALUES, HISTORY_STATISTICS);
  for (const k of keys) {
    const ea = ga.get(k), eb = gb.get(k);
    const { key, lighting } = (ea ?? eb)!;
    const serials = { a: [...ea?.serials ?? []].sort(), b: [...eb?.serials ?? []].sort() };
    const history = (metric: 'latency' | 'infer_cpu' | 'iou') => hist.lookup(metric, { serials: [...ea?.serials ?? []], model: key.model, virtual: key.virtual, lighting });
    const stored = (metric: ResampledMetric): StoredResamples => ({
      a: summaryOf(a)?.resamples(resampleKey(metric, key.device, lighting, serials.a), a.rule),
      b: summaryOf(b)?.resamples(resampleKey(metric, key.device, lighting, serials.b), b.rule),
    });
    yield {
      device: key.device, model: key.model, virtual: key.virtual, lighting, serials,
      latency: latencyDiff(key.virtual === true, lighting, ea, eb, cellSeed(key.device, lighting, 'lat'), history, stored),
      iou: diffOf(ea?.iou ?? NO_SAMPLES, eb?.iou ?? NO_SAMPLES, meanOf, RESAMPLED_STATISTIC.iou, 'higher', (x) => Math.abs(x) >= IOU_MIN_CHANGE,
        cellSeed(key.device, lighting, 'iou'), history('iou'), stored('iou')),
    };
  }
}

/**
 * The serials compared with themselves: in both runs and of the same kind there (an emulator's
 * 127.0.0.1:PORT may later be a vdevice's); other devices are matched by model (vdevices get new serials each run).
 */
export function commonSerials(a: RunSide, b: RunSide): Set<string> {
  const kindOf = (side: RunSide) => new Map(side.devices.map((d) => [d.serial, Boolean(d.virtual)]));
  const ka = kindOf(a), kb = kindOf(b);
  return new Set([...ka.keys()].filter((s) => kb.has(s) && ka.get(s) === kb.get(s)));
}

/** One metric of a side's cell: its blocks, and all their values in block order (what its statistic and Mann–Whitney read). */
export interface MetricSamples { clusters: Cluster[]; values: Float64Array }
/** A metric's samples from its blocks. */
export function metricSamples(clusters: Cluster[]): MetricSamples {
  const values = new Float64Array(clusters.reduce((n, c) => n + c.values.length, 0));
  let k = 0;
  for (const c of clusters) for (const v of c.values) values[k++] = v;
  return { clusters, values };
}
const NO_SAMPLES: MetricSamples = { clusters: [], values: new Float64Array(0) };

/**
 * What a side contributes to one cell: its latency and IoU values in blocks, and its inference CPU
 * time where the cell is a virtual device's and every latency frame carries it (else null).
 */
export interface CellSamples { key: DeviceKey; lighting: string; serials: ReadonlySet<string>; lat: MetricSamples; iou: MetricSamples; cpu: MetricSamples | null }

/** A cell's samples from its frames under the side's rule (compare-summary.ts stores exactly these). */
export function cellSamples(g: Group, rule: FrameRule | undefined): CellSamples {
  const cpu = g.key.virtual === true && carriesCpu(g.rows, rule) ? metricSamples(blocks(g.rows, inferCpuOf(rule))) : null;
  return { key: g.key, lighting: g.lighting, serials: g.serials, lat: metricSamples(blocks(g.rows, latencyOf(rule))), iou: metricSamples(blocks(g.rows, iouOf)), cpu };
}

/** A side's cells keyed as group() keys them: from its stored summary when that holds them, else from its frames. */
function sideCells(side: RunSide, common: ReadonlySet<string>): Map<string, CellSamples> {
  const keyOf = cellKeyer(side, common);
  const stored = summaryOf(side)?.cells(keyOf, side.rule);
  if (stored) return stored;
  if (summaryOf(side)?.framesOmitted) {
    throw new RioError('INTERNAL_ERROR', `run ${side.id} was loaded without its frames, but its stored cells do not answer this comparison`, { run: side.id });
  }
  const out = new Map<string, CellSamples>();
  for (const [k, g] of group(side.measurements, keyOf)) out.set(k, cellSamples(g, side.rule));
  return out;
}

/** The cell's latency diff on its stable measure (LatencyMeasure): thread CPU on a virtual device that reports it, else wall. */
function latencyDiff(virtual: boolean, lighting: string, ea: CellSamples | undefined, eb: CellSamples | undefined,
  seed: number, history: (m: 'latency' | 'infer_cpu') => HistoryStats | undefined, stored: (metric: 'lat' | 'cpu') => StoredResamples): MetricDiff {
  const cpu = virtual && Boolean(ea?.cpu) && Boolean(eb?.cpu);
  const [ca, cb] = cpu ? [ea!.cpu!, eb!.cpu!] : [ea?.lat ?? NO_SAMPLES, eb?.lat ?? NO_SAMPLES];
  const d = { ...diffOf(ca, cb, cpu ? floorOf : medianOf, RESAMPLED_STATISTIC[cpu ? 'cpu' : 'lat'], 'lower',
    (x, base) => Math.abs(x) >= LATENCY_MIN_CHANGE * Math.abs(base), seed, history(cpu ? 'infer_cpu' : 'latency'), stored(cpu ? 'cpu' : 'lat')),
  measure: cpu ? 'inference thread CPU' as const : 'wall' as const };
  // The floor is judged over all of a vdevice's frames only: a fixed-shape model costs the same on every
  // scene, and a lighting's 40 frames span a second that one neighbour's burst covers whole (every A/A
  // latency verdict on recorded quiet-host nights was a lighting cell's).
  return cpu && lighting !== ALL_LIGHTING && d.verdict !== 'insufficient data' ? { ...d, verdict: 'not judged' } : d;
}

/** Every latency frame of the side carries t_infer_cpu (and there is one). */
const carriesCpu = (rows: readonly CompareMeasurement[], rule: FrameRule | undefined) => {
  const lat = rows.filter((m) => latencyOf(rule)(m) !== null);
  return lat.length > 0 && lat.every((m) => typeof m.t_infer_cpu === 'number');
};


/** The two statistics a cell compares (their seeds' suffixes). */
export type CellMetric = 'lat' | 'iou';
/** The floor of a pooled resample (a vdevice's CPU-time latency, LatencyMeasure; metrics/cpu-floor.ts). */
const pooledFloor: PooledStatistic = Object.assign((sorted: Float64Array) => quantileSorted(sorted, CPU_FLOOR_QUANTILE), { quantile: CPU_FLOOR_QUANTILE });
/** The statistic of an ascending-sorted resample, per metric: what the bootstrap draws (cpu: drawn under the 'lat' seed). */
export const RESAMPLED_STATISTIC: Record<ResampledMetric, PooledStatistic> = { lat: pooledMedian, iou: pooledMean, cpu: pooledFloor };

/** A cell's bootstrap seed: its device and lighting only, so a cell's CI does not move with the kind tag. */
export const cellSeed = (device: string, lighting: string, metric: CellMetric) => seedFrom(`${JSON.stringify([device, lighting])}/${metric}`);

/** What a side's stored paired resamples are of: a cell statistic, or the latency floor on inference CPU time (drawn under the 'lat' seed). */
export type ResampledMetric = CellMetric | 'cpu';

/** Where a side's stored paired resamples of a cell are found: metric, device key, lighting and the serials pooled. */
export const resampleKey = (metric: ResampledMetric, device: string, lighting: string, serials: readonly string[]) =>
  JSON.stringify([metric, device, lighting, [...serials].sort()]);

/** What the between-run history reads per run and cell (always every counted frame under the default rule). */
export const HISTORY_VALUES = { latency: (rows: CompareMeasurement[]) => latencyValues(rows), infer_cpu: (rows: CompareMeasurement[]) => inferCpuValues(rows),
  iou: (rows: CompareMeasurement[]) => iouValues(rows) };
/** The floor of a sample (metrics/cpu-floor.ts). */
const floor = (xs: readonly number[]) => quantileSorted([...xs].sort((x, y) => x - y), CPU_FLOOR_QUANTILE);
export const HISTORY_STATISTICS = { latency: median, infer_cpu: floor, iou: mean };

/** A side's cell key per serial: the serial itself when `common` (in both runs), else the model label. */
export function cellKeyer(side: RunSide, common: ReadonlySet<string>): (serial: string) => DeviceKey {
  const bySerial = new Map(side.devices.map((d): [string, DeviceKey] => {
    const model = modelLabel(d);
    return [d.serial, { device: common.has(d.serial) ? d.serial : model, model, virtual: Boolean(d.virtual) }];
  }));
  return (serial: string): DeviceKey => bySerial.get(serial) ?? { device: serial, model: null, virtual: null };
}

export interface Group { key: DeviceKey; lighting: string; serials: Set<string>; rows: CompareMeasurement[] }

/** A cell's key: the kind is part of it, so a virtual and a real device never share a cell, whatever their labels. */
export const cellKey = (key: DeviceKey, lighting: string) =>
  JSON.stringify([key.device, key.virtual === null ? 'unknown' : key.virtual ? 'virtual' : 'real', lighting]);

/** Rows per (device, kind, lighting), plus every device's all-lightings cell. */
export function group(rows: readonly CompareMeasurement[], keyOf: (serial: string) => DeviceKey): Map<string, Group> {
  const out = new Map<string, Group>();
  const add = (key: DeviceKey, lighting: string, r: CompareMeasurement) => {
    const k = cellKey(key, lighting);
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


/** The frames a latency statistic reads (as the aggregates: not dropped, failed or thermal-flagged). */
// Which frames count and what each contributes: counted-frames.ts, the rule the report and dashboard use.
/** The latency a frame contributes under a run's rule (its `--include-thermal`), or null. */
export const latencyOf = (rule: FrameRule = DEFAULT_FRAME_RULE) => (m: CompareMeasurement) => (countsForLatency(m, rule) ? m.t_total! : null);
/** The inference CPU time a latency frame contributes (null: not a latency frame, or none reported). */
const inferCpuOf = (rule: FrameRule = DEFAULT_FRAME_RULE) => (m: CompareMeasurement) =>
  (countsForLatency(m, rule) && typeof m.t_infer_cpu === 'number' ? m.t_infer_cpu : null);
/** The IoU a frame contributes: card frames the app processed, a miss counting 0; else null. */
export const iouOf = (m: CompareMeasurement) => (countsForAccuracy(m) ? frameIoU(m) : null);
const valuesOf = (rows: readonly CompareMeasurement[], f: (m: CompareMeasurement) => number | null) =>
  rows.map(f).filter((v): v is number => v !== null);
export const latencyValues = (rows: readonly CompareMeasurement[], rule?: FrameRule) => valuesOf(rows, latencyOf(rule));
export const iouValues = (rows: readonly CompareMeasurement[]) => valuesOf(rows, iouOf);
export const inferCpuValues = (rows: readonly CompareMeasurement[], rule?: FrameRule) => valuesOf(rows, inferCpuOf(rule));

/** A side's values in blocks keyed scenario/repeat/block (devices pooled by model share a key: one cluster). */
export function blocks(rows: readonly CompareMeasurement[], f: (m: CompareMeasurement) => number | null): Cluster[] {
  const by = new Map<string, number[]>();
  for (const m of rows) {
    const v = f(m);
    if (v === null) continue;
    const k = `${m.scenario_id}/${m.repeat_index}/${Math.floor(m.frame_index / BLOCK_FRAMES)}`;
    const l = by.get(k);
    if (l) l.push(v); else by.set(k, [v]);
  }
  return [...by].map(([key, values]) => ({ key, values }));
}

/** A cell statistic of a side's pooled values, given them in block order and ascending (each side is sorted once per cell). */
type CellStatistic = (values: Float64Array, ascending: Float64Array) => number;
/** The median (median(values) sorts a copy: the same array). */
const medianOf: CellStatistic = (_, ascending) => quantileSorted(ascending, 0.5);
/** The floor of a vdevice's CPU time (metrics/cpu-floor.ts). */
const floorOf: CellStatistic = (_, ascending) => quantileSorted(ascending, CPU_FLOOR_QUANTILE);
/** The mean, summed in block order. */
const meanOf: CellStatistic = (values) => mean(values);

/**
 * stat of the pooled values; sortedStat, the same of an ascending-sorted pooled resample. The CI is the
 * block bootstrap's, widened to the between-run spread when A's build has history.
 */
function diffOf(a: MetricSamples, b: MetricSamples, stat: CellStatistic, sortedStat: PooledStatistic, good: 'lower' | 'higher',
  matters: (diff: number, base: number) => boolean, seed: number, history: HistoryStats | undefined, stored: StoredResamples): MetricDiff {
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const va = a.values, vb = b.values;
  const sortedA = Float64Array.from(va).sort(), sortedB = Float64Array.from(vb).sort();
  const statA = va.length ? stat(va, sortedA) : NaN, statB = vb.length ? stat(vb, sortedB) : NaN;
  const base = { nA: va.length, nB: vb.length, a: va.length ? fin(statA) : null, b: vb.length ? fin(statB) : null };
  if (!drawsCI(a.clusters) || !drawsCI(b.clusters)) {
    return { ...base, diff: null, lo: null, hi: null, p: null, verdict: 'insufficient data', noise: 'none', history_runs: history?.runs ?? 0 };
  }
  const diff = statB - statA;
  const boot = clusterDiffCI(a.clusters, b.clusters, sortedStat, seed, { stored });
  const spread = history ? betweenRunHalfWidth(history) : null;
  const lo = Math.min(boot.lo, spread === null ? Infinity : diff - spread);
  const hi = Math.max(boot.hi, spread === null ? -Infinity : diff + spread);
  const p = mannWhitneySorted(sortedA, sortedB).p;
  let verdict: Verdict = 'no significant change';
  if ((lo > 0 || hi < 0) && matters(diff, statA)) {
    const up = diff > 0;
    verdict = (good === 'higher') === up ? 'better' : 'worse';
  }
  return { ...base, diff, lo, hi, p, verdict, noise: spread === null ? 'blocks' : 'blocks + between-run history', history_runs: history?.runs ?? 0 };
}
