/**
 * Nightly series: (device, kind, model role, scope, metric), one point per night — the night's
 * statistic with its CI exactly as stored for the dashboards (device and lighting scopes:
 * dash_run_device; scenario scope: aggregates), never recomputed here and never single frames.
 * Virtual and real devices never share a series (the kind is in the key); a new build, APK or
 * device fingerprint between two points is marked on the later one.
 */

/** Which model a nightly run measured: the build under test, or the frozen reference (the control). */
export type ModelRole = 'candidate' | 'reference';

export interface MetricRule {
  /** which direction is worse */
  worse: 'up' | 'down';
  /** smallest change worth an alert: relative to the level before, or absolute */
  minChange: { relative: number } | { absolute: number };
}

/** Latency and throughput in relative terms (a 3% step); accuracy and rates in absolute ones (0.01). */
export const METRIC_RULES = {
  p50: { worse: 'up', minChange: { relative: 0.03 } },
  p90: { worse: 'up', minChange: { relative: 0.03 } },
  // inference cost in thread CPU time (t_infer_cpu); its floor (p05) is a virtual device's judged latency
  infer_cpu_p05: { worse: 'up', minChange: { relative: 0.03 } },
  infer_cpu_p50: { worse: 'up', minChange: { relative: 0.03 } },
  infer_cpu_p90: { worse: 'up', minChange: { relative: 0.03 } },
  sustained_fps: { worse: 'down', minChange: { relative: 0.03 } },
  iou_mean: { worse: 'down', minChange: { absolute: 0.01 } },
  detection_rate: { worse: 'down', minChange: { absolute: 0.01 } },
  false_detection_rate: { worse: 'up', minChange: { absolute: 0.01 } },
} as const satisfies Record<string, MetricRule>;
export type SeriesMetric = keyof typeof METRIC_RULES;

/** Metrics the dashboards' device/lighting rows carry (dash_run_device) and the scenario rows (aggregates). */
export const DASH_METRICS: readonly SeriesMetric[] = ['p50', 'p90', 'infer_cpu_p05', 'infer_cpu_p50', 'infer_cpu_p90', 'iou_mean', 'detection_rate'];
export const SCENARIO_METRICS: readonly SeriesMetric[] = ['p50', 'p90', 'infer_cpu_p05', 'infer_cpu_p50', 'infer_cpu_p90', 'iou_mean', 'detection_rate', 'false_detection_rate', 'sustained_fps'];

/**
 * A vdevice runs the app's twin on the farm host's CPU: its wall-time latency and its throughput
 * measure the host's load (the same build's p50 moved 12.6–30 ms between runs on a shared 2-core
 * host). Its inference thread CPU time does not, but on a virtual machine it still has two speeds:
 * the physical core's other tenants slow the same instructions by ~50% for seconds at a time (9 ms,
 * then 14 ms, with nothing else running in the VM), so the p50/p90 of CPU time say how long a
 * neighbour was busy. Interference only adds, so the floor (p05) is the build's own cost: night-to-
 * night CV 0.8–1.2% on a quiet host against 8–12% for the p50 (p10: 1.1–1.5%). On a virtual device every other latency
 * and throughput series is kept and shown, never judged. Real phones judge every series.
 */
const HOST_BOUND_ON_VIRTUAL: ReadonlySet<SeriesMetric> = new Set(['p50', 'p90', 'infer_cpu_p50', 'infer_cpu_p90', 'sustained_fps']);
/**
 * The floor is judged over every frame of the device only: a fixed-shape model's inference costs the
 * same on every scene, so a lighting or scenario split only shrinks the sample — to 20–40 frames,
 * about a second, which one burst of a neighbour covers whole (bench:nightly: every A/A false alert
 * on a quiet host was a lighting or scenario floor).
 */
export const hostBound = (k: Pick<SeriesKey, 'virtual' | 'metric' | 'scope'>): boolean =>
  k.virtual && (HOST_BOUND_ON_VIRTUAL.has(k.metric) || (k.metric === 'infer_cpu_p05' && k.scope !== '*'));

/** The series that carries a latency change on this kind of device: the floor of thread CPU time on a virtual one, wall time on a phone. */
export const stableLatency = (virtual: boolean, q: 'p50' | 'p90'): SeriesMetric => (virtual ? 'infer_cpu_p05' : q);

export interface SeriesKey {
  serial: string; virtual: boolean; role: ModelRole;
  /** '*' (every frame of the device), 'lighting:<key>' or 'scenario:<id>' */
  scope: string;
  metric: SeriesMetric;
}

export interface SeriesPoint {
  run_id: string; started_at: number;
  value: number; lo: number | null; hi: number | null;
  /** what was measured: the APK (app + model) and the device's fingerprint */
  build: string; fingerprint: string | null;
}

export interface Series { key: SeriesKey; points: SeriesPoint[]; fingerprintChanges: string[] }

export const seriesId = (k: SeriesKey) => JSON.stringify([k.serial, k.virtual ? 'virtual' : 'real', k.role, k.scope, k.metric]);

/** One night's row for a (device, scope), whichever table it came from. */
export interface NightCell {
  run_id: string; started_at: number; serial: string; virtual: boolean; role: ModelRole; scope: string;
  build: string; fingerprint: string | null;
  values: Partial<Record<SeriesMetric, { value: number | null; lo: number | null; hi: number | null }>>;
}

/** Cells → series, points in night order (started_at, then run id: never the rows' order). */
export function buildSeries(cells: readonly NightCell[]): Series[] {
  const by = new Map<string, Series>();
  const sorted = [...cells].sort((a, b) => a.started_at - b.started_at || (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0));
  for (const c of sorted) {
    for (const [metric, v] of Object.entries(c.values) as [SeriesMetric, { value: number | null; lo: number | null; hi: number | null }][]) {
      if (v.value === null || !Number.isFinite(v.value)) continue; // no value that night (no negatives, no latency): no point, never a 0
      const key: SeriesKey = { serial: c.serial, virtual: c.virtual, role: c.role, scope: c.scope, metric };
      const id = seriesId(key);
      let s = by.get(id);
      if (!s) by.set(id, s = { key, points: [], fingerprintChanges: [] });
      const prev = s.points.at(-1);
      if (prev && (prev.build !== c.build || prev.fingerprint !== c.fingerprint)) s.fingerprintChanges.push(c.run_id);
      s.points.push({ run_id: c.run_id, started_at: c.started_at, value: v.value, lo: v.lo, hi: v.hi, build: c.build, fingerprint: c.fingerprint });
    }
  }
  return [...by.values()].sort((a, b) => (seriesId(a.key) < seriesId(b.key) ? -1 : 1));
}
