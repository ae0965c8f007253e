/**
 * /api/compare and the compare page: the harness's `compareRuns` (the one implementation — bootstrap
 * CI of the difference, Mann–Whitney p, minimum-change thresholds) on two runs read from the store.
 * A comparison of two finished runs never changes, and bootstrapping 2 × 20,000 frames costs far more
 * than a dashboard call should, so it is kept per (a, b) until either run is finished again (resumed).
 */
import type { Store } from '../../../harness/src/store/index.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { compareCells, type CompareCell, type Verdict } from '../../../harness/src/compare/compare-runs.ts';
import { loadComparedSides } from '../../../harness/src/compare/run-source.ts';
import { sameBuildHistory } from '../../../harness/src/compare/run-history.ts';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { RequestGate } from '../request-gate.ts';

/** Comparisons kept; least recently used go first (each is ~40 KB for 10 devices × 6 lightings). */
const MAX_ENTRIES = 200;
/**
 * Frames one side may have for an online comparison: ~10x the largest nightly (10 devices × 2,000
 * frames × repeats); beyond it the bootstrap holds a core for minutes, and `rio-farm compare` is the tool.
 */
export const MAX_COMPARE_FRAMES = 400_000;

export interface CompareRow extends CompareCell {
  /** the serial whose frames a link opens: run b's (the candidate's), else run a's */
  serial: string;
  /** B − A of the latency median, relative to A's, in % */
  latency_delta_pct: number | null;
  /** B − A of the mean IoU */
  iou_delta: number | null;
  latency_verdict: Verdict;
  iou_verdict: Verdict;
}

export interface RunComparison { a: string; b: string; cells: CompareRow[] }

function row(c: CompareCell): CompareRow {
  const l = c.latency;
  return {
    ...c,
    serial: c.serials.b[0] ?? c.serials.a[0] ?? c.device,
    latency_delta_pct: l.a !== null && l.b !== null && l.a !== 0 ? (l.b - l.a) / l.a * 100 : null,
    iou_delta: c.iou.a !== null && c.iou.b !== null ? c.iou.b - c.iou.a : null,
    latency_verdict: l.verdict, iou_verdict: c.iou.verdict,
  };
}

export class CompareCache {
  private readonly entries = new Map<string, { stamp: string; result: Promise<RunComparison> }>();
  /** `gate` bounds how many comparisons compute at once (repeats of a kept one never wait for it). */
  constructor(private readonly store: Store, private readonly gate = new RequestGate('comparison', 1, 4)) {}

  async compare(a: string, b: string): Promise<RunComparison> {
    const runs = await Promise.all([a, b].map((id) => this.store.getRun(id)));
    runs.forEach((r, i) => { if (!r) throw new RioError('NOT_FOUND', 'no such run', { run: [a, b][i] }); });
    const finished = runs.every((r) => r!.status !== 'running' && r!.finished_at !== null);
    // A resumed run is `running` again and gets a new finished_at: the stamp no longer matches.
    const key = JSON.stringify([a, b]);
    const stamp = runs.map((r) => `${r!.status}@${r!.finished_at}`).join(' ');
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) {
      this.entries.delete(key); this.entries.set(key, hit); // most recently used last
      return hit.result;
    }
    const result = this.gate.run(() => this.compute(a, b));
    if (finished) {
      result.catch(() => this.entries.delete(key));
      this.entries.set(key, { stamp, result });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    } else this.entries.delete(key);
    return result;
  }

  private async compute(a: string, b: string): Promise<RunComparison> {
    for (const id of new Set([a, b])) {
      const n = await this.store.frameCount(id);
      if (n > MAX_COMPARE_FRAMES) {
        throw new RioError('TOO_LARGE', `run ${id} has ${n} frames, more than a comparison on the server takes (${MAX_COMPARE_FRAMES}): use rio-farm compare`, { run: id });
      }
    }
    const [[sa, sb], history] = await Promise.all([loadComparedSides(this.store, a, b), sameBuildHistory(this.store, a, b)]);
    const cells: CompareRow[] = [];
    // Cell by cell, letting other requests in between: a first comparison of big runs takes seconds of CPU.
    for (const c of compareCells(sa, sb, { history })) { cells.push(row(c)); await yieldToOthers(); }
    return { a, b, cells };
  }
}
