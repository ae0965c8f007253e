/**
 * One night of detection over every series: per series, the best step in its current segment (the
 * nights since its last alerted step, at most the last `window`), kept only if it is large enough
 * to matter and survives Benjamini–Hochberg across the night's series of its role. A step with one
 * night after it is pending until a confirmation run (or a second night) confirms it; a step with
 * two or more nights after it is an alert. After an alert the series' segment starts at the step,
 * so the same change never alerts twice. Pure: same series and stored steps in, same states out.
 */
import { benjaminiHochberg } from '../stats/benjamini-hochberg.ts';
import { bestStep, tTest, type Step } from './change-point.ts';
import { quantileSorted } from '../stats/descriptive.ts';
import { hostBound, METRIC_RULES, seriesId, type Series, type SeriesKey } from './series.ts';

export interface DetectorSettings {
  /** a name for triage statistics (precision/recall per setting) */
  name: string;
  /** nights looked at, newest last (Chromium and Hunter use 50) */
  window: number;
  /** nights a segment needs before a step (Chromium's minimum segment, 6) */
  minBefore: number;
  /** false-discovery rate across one night's series of one role */
  fdr: number;
  /** nights after a step that make it an alert without a confirmation run */
  persistNights: number;
  /**
   * The p at which a step too new to persist asks for a confirmation run (unadjusted): the screen of
   * a two-stage test. The confirmation — both builds interleaved on one device — is the test that
   * raises the alert, so the screen can be far looser than the FDR a step must survive on nights
   * alone (one night after a step carries a prediction test with few degrees of freedom).
   */
  screen: number;
}

export const DEFAULT_DETECTOR: DetectorSettings = { name: 'edm-t50/min6/bh0.01/persist2/screen0.05', window: 50, minBefore: 6, fdr: 0.01, persistNights: 2, screen: 0.05 };

export interface Candidate {
  series: SeriesKey;
  /** the first night after the step, and the night before it */
  change_run_id: string; previous_run_id: string;
  /** when the first night after the step ran (its UTC date names the night) */
  change_at: number;
  before: number; after: number; p: number;
  direction: 'regression' | 'improvement';
  nightsAfter: number;
  /** the builds each side of the step */
  build_before: string; build_after: string;
  /**
   * A candidate's step only: the frozen reference's same series (device, scope, metric) stepped the
   * same way at the same night — the control says the farm changed (alert-groups.ts labels it infra).
   */
  reference_moved?: boolean;
}

export type SeriesState =
  | { kind: 'insufficient'; have: number; need: number }
  | { kind: 'steady' }
  /** a virtual device's wall-time or throughput series: shown, not judged (series.ts hostBound) */
  | { kind: 'host-bound' }
  | { kind: 'pending'; step: Candidate }
  | { kind: 'not confirmed'; step: Candidate }
  | { kind: 'alert'; step: Candidate; via: 'confirmation' | 'persistence' };

/** A shown state: "insufficient data (N of 6 nights)" is its own state, never a 0 or a pass. */
export function describeState(s: SeriesState): string {
  if (s.kind === 'host-bound') return 'shown, not judged (vdevice wall time: host load)';
  return s.kind === 'insufficient' ? `insufficient data (${s.have} of ${s.need} nights)` : s.kind;
}

export const candidateId = (c: Pick<Candidate, 'series' | 'change_run_id'>) => `${seriesId(c.series)}@${c.change_run_id}`;

export interface NightContext {
  /** the runs of tonight (candidate and reference): a series without a point tonight is not judged */
  tonight: ReadonlySet<string>;
  /** per series id, the run that started its current segment (its last alerted step) */
  segmentStarts: ReadonlyMap<string, string>;
  /** per candidate id, what its confirmation run said */
  confirmations: ReadonlyMap<string, boolean>;
}

export function detectNight(series: readonly Series[], ctx: NightContext, s: DetectorSettings = DEFAULT_DETECTOR): Map<string, SeriesState> {
  const out = new Map<string, SeriesState>();
  const byId = new Map(series.map((sr) => [seriesId(sr.key), sr]));
  const tested: { id: string; step: Step; points: Series['points']; key: SeriesKey }[] = [];
  for (const sr of series) {
    const last = sr.points.at(-1);
    if (!last || !ctx.tonight.has(last.run_id)) continue;
    const id = seriesId(sr.key);
    if (hostBound(sr.key)) { out.set(id, { kind: 'host-bound' }); continue; }
    const startRun = ctx.segmentStarts.get(id);
    const from = startRun ? Math.max(0, sr.points.findIndex((p) => p.run_id === startRun)) : 0;
    const points = sr.points.slice(from).slice(-s.window);
    if (points.length < s.minBefore + 1) {
      out.set(id, { kind: 'insufficient', have: points.length - 1, need: s.minBefore });
      continue;
    }
    const values = points.map((p) => p.value);
    const step = snapToBuildChange(bestStep(values, s.minBefore), values, points, s.minBefore);
    if (!step) { out.set(id, { kind: 'steady' }); continue; }
    tested.push({ id, step, points, key: sr.key });
  }
  for (const role of ['candidate', 'reference'] as const) {
    const mine = tested.filter((x) => x.key.role === role);
    const found = benjaminiHochberg(mine.map((x) => x.step.p), s.fdr);
    mine.forEach((x, i) => {
      const nightsAfter = x.points.length - x.step.at;
      // Persisting on nights alone needs the FDR; a newer step only the screen, its confirmation run decides.
      if (!(nightsAfter >= s.persistNights ? found[i] : x.step.p <= s.screen) || !matters(x.key, x.step)) { out.set(x.id, { kind: 'steady' }); return; }
      const rule = METRIC_RULES[x.key.metric];
      const c: Candidate = {
        series: x.key, change_run_id: x.points[x.step.at]!.run_id, previous_run_id: x.points[x.step.at - 1]!.run_id,
        change_at: x.points[x.step.at]!.started_at,
        before: x.step.before, after: x.step.after, p: x.step.p,
        direction: (x.step.after > x.step.before) === (rule.worse === 'up') ? 'regression' : 'improvement',
        nightsAfter,
        build_before: x.points[x.step.at - 1]!.build, build_after: x.points[x.step.at]!.build,
      };
      if (role === 'candidate') c.reference_moved = referenceMoved(byId.get(seriesId({ ...x.key, role: 'reference' })), c, ctx, s);
      const confirmed = ctx.confirmations.get(candidateId(c));
      if (nightsAfter >= s.persistNights) {
        // Persisting means every one of those nights moved, not their mean: one spike and a normal night is no step.
        const way = x.step.after > x.step.before ? 'up' : 'down';
        const held = x.points.slice(x.step.at, x.step.at + s.persistNights).every((p) => matters(x.key, { before: x.step.before, after: p.value }, way));
        out.set(x.id, held ? { kind: 'alert', step: c, via: 'persistence' } : { kind: 'steady' });
      }
      else if (confirmed === true) out.set(x.id, { kind: 'alert', step: c, via: 'confirmation' });
      else if (confirmed === false) out.set(x.id, { kind: 'not confirmed', step: c });
      else out.set(x.id, { kind: 'pending', step: c });
    });
  }
  return out;
}

/**
 * Did the reference's same series step the same way at the candidate's step? Every night since moved
 * from the median of the nights before by at least the metric's minimum change and 3 robust SDs
 * (1.4826 × MAD) — no search (the candidate located the step and carries its significance), and
 * robust, because the reference's own nights hold outliers: in bench:nightly-e2e a reference run's
 * CPU floor came out ×1.8 on every frame about one night in ten, and a t-test over a window holding
 * one such night missed a +18% farm-wide step the candidate's series alerted on (labelled
 * `regression`). The reference's own search misses it too: its FDR is meant for finding, not explaining.
 */
function referenceMoved(ref: Series | undefined, c: Candidate, ctx: NightContext, s: DetectorSettings): boolean {
  if (!ref) return false;
  const startRun = ctx.segmentStarts.get(seriesId(ref.key));
  const from = startRun ? Math.max(0, ref.points.findIndex((p) => p.run_id === startRun)) : 0;
  const points = ref.points.slice(from).slice(-s.window);
  const at = points.findIndex((p) => p.started_at >= c.change_at); // the reference runs after the candidate, each night
  if (at < 3) return false; // too few nights before it to know their spread
  const before = Float64Array.from(points.slice(0, at), (p) => p.value).sort();
  const med = quantileSorted(before, 0.5);
  const robustSd = 1.4826 * quantileSorted(Float64Array.from(before, (x) => Math.abs(x - med)).sort(), 0.5);
  const m = METRIC_RULES[ref.key.metric].minChange;
  const need = Math.max('relative' in m ? m.relative * Math.abs(med) : m.absolute, 3 * robustSd);
  const way = c.after > c.before ? 1 : -1;
  return points.slice(at).every((p) => way * (p.value - med) >= need);
}

/** How far (nights) a located step is moved to a build change next to it, nearest first. */
const SNAP_NIGHTS = 2;

/**
 * A step is caused by a new build or by the farm. When the best split is within two nights of a
 * build change, the build change is where it happened: on a noisy series E-divisive's split is often
 * a night or two off (Hunter's known complaint), which would blame the wrong build and split one
 * event into several alert groups (bench:nightly: ±1 left 13% of IoU steps mislocated).
 */
function snapToBuildChange(step: Step | null, values: readonly number[], points: readonly { build: string }[], minBefore: number): Step | null {
  if (!step || points[step.at]!.build !== points[step.at - 1]!.build) return step; // none, or already on a build change
  for (let d = 1; d <= SNAP_NIGHTS; d++) {
    for (const at of [step.at - d, step.at + d]) {
      if (at >= minBefore && at < points.length && points[at]!.build !== points[at - 1]!.build) return tTest(values, at) ?? step;
    }
  }
  return step;
}

/** Large enough to matter: ≥ 3% for latency and fps, ≥ 0.01 absolute for IoU and rates; in the given direction when one is given. */
function matters(key: SeriesKey, step: Pick<Step, 'before' | 'after'>, direction?: 'up' | 'down'): boolean {
  const m = METRIC_RULES[key.metric].minChange;
  const signed = step.after - step.before;
  if (direction && (direction === 'up' ? signed <= 0 : signed >= 0)) return false;
  const d = Math.abs(signed);
  return 'relative' in m ? d >= m.relative * Math.abs(step.before) : d >= m.absolute - 1e-12;
}

