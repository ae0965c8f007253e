/**
 * Replaying recorded A/A nights as long nightly histories, with known steps injected: the nights
 * are the recorded ones in seeded shuffles (real noise, never invented), renamed per position so a
 * night recorded once can appear again later. Latency steps scale p50/p90 (wall and inference CPU
 * time) and their CIs — exactly what scaling every frame's latency does to quantiles; IoU steps shift the mean and its CI.
 * Confirmation runs are two consecutive recorded runs compared by compare (the later one's frames
 * with the same step applied), ten other nights as the previous build's history.
 */
import { compareRuns, type CompareCell, type RunSide } from '../compare/compare-runs.ts';
import { seededRandom, seedFrom } from '../stats/bootstrap.ts';
import type { AaNight } from './aa-fixture.ts';
import { aaNightCells } from './aa-night-cells.ts';
import { nightSide } from './aa-verdicts.ts';
import type { Candidate } from './detect.ts';
import type { ReplayNight } from './replay.ts';
import type { NightCell, SeriesMetric } from './series.ts';

export interface Injection {
  name: string;
  /** position of the first night with the step */
  at: number;
  /** which device scopes take it ('*' for all) */
  scope: (scope: string) => boolean;
  latencyFactor?: number;
  iouShift?: number;
  /** which model's runs take it: the build's only (default), or the reference too (a farm-wide change) */
  roles?: readonly ('candidate' | 'reference')[];
}

const DAY_MS = 86_400_000;

/** Night indices: concatenated seeded permutations of the recorded nights. */
export function shuffledNights(count: number, length: number, seed: number): number[] {
  const rnd = seededRandom(seed);
  const out: number[] = [];
  while (out.length < length) {
    const p = Array.from({ length: count }, (_, i) => i);
    for (let i = p.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [p[i], p[j]] = [p[j]!, p[i]!]; }
    out.push(...p);
  }
  return out.slice(0, length);
}

export class AaReplay {
  private readonly cells: NightCell[][];
  private readonly sides: RunSide[];
  private readonly compareCache = new Map<string, CompareCell[]>();
  constructor(readonly nights: readonly AaNight[]) {
    // A night recorded with its reference-model run carries the control series too (same host state).
    this.cells = nights.map((n) => [...aaNightCells(n), ...(n.reference ? aaNightCells({ ...n, ...n.reference }, { role: 'reference' }) : [])]);
    this.sides = nights.map(nightSide);
  }

  /** The history: recorded nights at the given indices, each renamed for its position, the step applied from inj.at. */
  history(order: readonly number[], inj?: Injection): ReplayNight[] {
    return order.map((idx, pos) => ({
      key: `n${pos}`,
      cells: this.cells[idx]!.map((c) => stepped({ ...c, run_id: `${c.run_id}#${pos}`, started_at: pos * DAY_MS,
        // A step of the build arrives with a new build; a farm-wide one (both roles) does not.
        build: inj && pos >= inj.at && !inj.roles?.includes('reference') && c.role === 'candidate' ? `${c.build}+${inj.name}` : c.build },
      inj && pos >= inj.at ? inj : undefined)),
    }));
  }

  /**
   * A confirmation run for a pending step: two consecutive recorded runs (picked by the candidate's
   * hash), the later one carrying the step when the night is past the injection; compare's verdict
   * in the step's cell. null: compare has no statistic for this metric, or cannot tell.
   */
  confirm(c: Candidate, night: number, inj?: Injection): boolean | null {
    const metric = c.series.metric;
    if (metric !== 'p50' && metric !== 'p90' && metric !== 'infer_cpu_p05' && metric !== 'iou_mean') return null;
    // One recorded pair holds 2 blocks of a 20-frame scenario: compare says insufficient data, so don't compute it.
    if (c.series.scope.startsWith('scenario:')) return null;
    // Two consecutive recorded runs (40 s apart, like an interleaved A B on one night: same host state).
    const a = Math.floor(seededRandom(seedFrom(`${c.series.scope}/${metric}/${night}`))() * (this.sides.length - 1));
    const b = a + 1;
    const stepped = inj && night >= inj.at && inj.scope(c.series.scope) ? inj : undefined;
    const cell = this.compareCell(a, b, stepped, c.series.scope);
    if (!cell) return null;
    const d = metric === 'iou_mean' ? cell.iou : cell.latency;
    if (d.verdict === 'insufficient data') return null;
    const worse = c.direction === 'regression';
    return d.verdict === (worse ? 'worse' : 'better');
  }

  private compareCell(a: number, b: number, inj: Injection | undefined, scope: string): CompareCell | undefined {
    const key = JSON.stringify([a, b, inj?.name ?? '', scope.startsWith('scenario:') ? scope : '']);
    let cells = this.compareCache.get(key);
    if (!cells) {
      const scenario = scope.startsWith('scenario:') ? scope.slice('scenario:'.length) : null;
      const only = (s: RunSide): RunSide => (scenario ? { ...s, measurements: s.measurements.filter((m) => m.scenario_id === scenario) } : s);
      const history = this.sides.filter((_, i) => i !== a && i !== b).slice(0, 10).map(only);
      const sb = only(this.sides[b]!);
      const withStep: RunSide = inj ? { ...sb, measurements: sb.measurements.map((m) => ({ ...m,
        t_total: m.t_total === null || !inj.latencyFactor ? m.t_total : m.t_total * inj.latencyFactor,
        t_infer_cpu: typeof m.t_infer_cpu !== 'number' || !inj.latencyFactor ? m.t_infer_cpu : m.t_infer_cpu * inj.latencyFactor,
        iou: m.iou === null || !inj.iouShift || m.cards === 0 ? m.iou : Math.min(1, Math.max(0, m.iou + inj.iouShift)) })) } : sb;
      cells = compareRuns(only(this.sides[a]!), withStep, { history });
      this.compareCache.set(key, cells);
    }
    const lighting = scope === '*' || scope.startsWith('scenario:') ? '*' : scope.slice('lighting:'.length);
    return cells.find((x) => x.lighting === lighting);
  }
}

function stepped(c: NightCell, inj: Injection | undefined): NightCell {
  if (!inj || !inj.scope(c.scope) || !(inj.roles ?? ['candidate']).includes(c.role)) return c;
  const values = { ...c.values };
  const scale = (m: SeriesMetric, f: (x: number) => number) => {
    const v = values[m];
    if (v) values[m] = { value: v.value === null ? null : f(v.value), lo: v.lo === null ? null : f(v.lo), hi: v.hi === null ? null : f(v.hi) };
  };
  // a slower build: wall and CPU time both scale (what `vdevice --slowdown` does for real)
  if (inj.latencyFactor) for (const m of ['p50', 'p90', 'infer_cpu_p05', 'infer_cpu_p50', 'infer_cpu_p90'] as const) scale(m, (x) => x * inj.latencyFactor!);
  if (inj.iouShift) scale('iou_mean', (x) => Math.min(1, Math.max(0, x + inj.iouShift!)));
  return { ...c, values };
}
