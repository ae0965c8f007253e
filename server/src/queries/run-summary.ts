/**
 * Fills the dashboard pre-aggregates (dash_run_device, migration 050) from a finished run's
 * measurements, so every dashboard read is an indexed lookup instead of a scan of frame rows.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import type { DashRunDeviceRow, Store, SummaryFrame } from '../../../harness/src/store/index.ts';
import { WorstFrameList } from '../../../harness/src/report/worst-frame-choice.ts';
import { deviceLightingAggregates } from '../../../harness/src/metrics/device-lighting.ts';
import { runAggregateOptions } from '../../../harness/src/metrics/run-aggregate-options.ts';
import { countsForLatency } from '../../../harness/src/metrics/counted-frames.ts';
import type { AggregateFrame } from '../../../harness/src/metrics/aggregate.ts';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import { latencyHistogram } from './latency-histogram.ts';
import { loadRunSide } from '../../../harness/src/compare/run-source.ts';
import { encodeCompareSummary } from '../../../harness/src/compare/compare-summary.ts';
import { finishPendingImports } from '../../../harness/src/store/run-import.ts';

/** Worst frames kept per run device for the run page (drawn with sharp on request). */
const WORST_FRAMES_PER_DEVICE = 4;

/** The measurement columns a summary reads. */
export interface FrameSample extends AggregateFrame {
  attempt_id: string; frame_index: number;
}

const SAMPLE_COLUMNS = `run_id, serial, lighting, scenario_id, attempt_id, frame_index, negative, t_total, t_infer, t_infer_cpu, dropped, thermal_flag,
  detections, matched, cards, iou, corner_err_px, corner_err_pct, false_detections, error`;

/** A worst frame as the run page lists it (the choice: harness/src/report/worst-frame-choice.ts). */
export interface WorstFrame {
  attempt_id: string; frame_index: number; scenario_id: string; iou: number | null; cards: number; false_detections: number;
}

function worstFrameOut(f: FrameSample): WorstFrame {
  return { attempt_id: f.attempt_id, frame_index: f.frame_index, scenario_id: f.scenario_id, iou: f.cards > 0 ? f.iou ?? 0 : null,
    cards: f.cards, false_detections: f.false_detections };
}

/**
 * Recomputes one run's dashboard rows (replacing any earlier ones) in one transaction. The figures
 * are the report's device × lighting rows (harness/src/metrics/device-lighting.ts) under the run's
 * own options (`--include-thermal`), so the dashboard and report.html print the same numbers and CIs.
 * Ingest may pass the frames it has just stored, which saves reading them back.
 */
export async function summarizeRun(store: Store, runId: string, measured?: readonly FrameSample[], { compare = true } = {}): Promise<number> {
  const db = store.db;
  const run = await db.get<{ suite: string; started_at: number; finished_at: number | null; options_json: string }>(
    'SELECT suite, started_at, finished_at, options_json FROM runs WHERE id = ?', [runId]);
  if (!run) return 0;
  const opts = runAggregateOptions(run.options_json);
  const frameRule = { includeThermal: opts.includeThermal === true };
  const devices = await db.all<{ serial: string; fingerprint_id: string | null; virtual: number | null }>(
    `SELECT rd.serial, rd.fingerprint_id, COALESCE(f.virtual, d.virtual) AS virtual
       FROM run_devices rd LEFT JOIN device_fingerprints f ON f.id = rd.fingerprint_id
       LEFT JOIN devices d ON d.serial = rd.serial WHERE rd.run_id = ?`, [runId]);
  const frames = measured ?? await db.all<FrameSample>(`SELECT ${SAMPLE_COLUMNS} FROM measurements WHERE run_id = ?`, [runId]);
  const bySerial = new Map<string, FrameSample[]>();
  for (const f of frames) {
    const l = bySerial.get(f.serial);
    if (l) l.push(f); else bySerial.set(f.serial, [f]);
  }
  const deviceBySerial = new Map(devices.map((d) => [d.serial, d]));
  const rows: DashRunDeviceRow[] = [];
  for (const [serial, own] of [...bySerial].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    // One device at a time with a turn for other requests in between: the bootstraps cost ~0.1 s per
    // thousand frames, and a server must not stall on one ingested run.
    await yieldToOthers();
    const dev = deviceBySerial.get(serial);
    const worst = new WorstFrameList<FrameSample>(WORST_FRAMES_PER_DEVICE);
    for (const f of own) worst.offer(f);
    const hist = latencyHistogram(own.filter((f) => countsForLatency(f, frameRule)).map((f) => f.t_total!).sort((x, y) => x - y));
    for (const a of deviceLightingAggregates(own, opts)) {
      const all = a.lighting === '*';
      rows.push({
        run_id: runId, serial, lighting: a.lighting, suite: run.suite, started_at: run.started_at, virtual: dev?.virtual ?? 0,
        fingerprint_id: dev?.fingerprint_id ?? null, frames: a.frames, latency_n: a.latency_n, thermal_excluded: a.thermal_excluded,
        // drop_rate is dropped / frames, so this is the count again
        dropped: Math.round((a.drop_rate ?? 0) * a.frames), p50: a.p50, p50_lo: a.p50_lo, p50_hi: a.p50_hi, p90: a.p90, p90_lo: a.p90_lo, p90_hi: a.p90_hi,
        iou_n: a.card_frames, iou_mean: a.iou_mean, iou_lo: a.iou_mean_lo, iou_hi: a.iou_mean_hi, detection_rate: a.detection_rate,
        infer_cpu_p50: a.infer_cpu_p50, infer_cpu_p50_lo: a.infer_cpu_p50_lo, infer_cpu_p50_hi: a.infer_cpu_p50_hi,
        infer_cpu_p90: a.infer_cpu_p90, infer_cpu_p90_lo: a.infer_cpu_p90_lo, infer_cpu_p90_hi: a.infer_cpu_p90_hi,
        infer_cpu_p05: a.infer_cpu_p05, infer_cpu_p05_lo: a.infer_cpu_p05_lo, infer_cpu_p05_hi: a.infer_cpu_p05_hi,
        histogram_json: all && hist ? JSON.stringify(hist) : null,
        worst_json: all ? JSON.stringify(worst.frames.map(worstFrameOut)) : null,
      });
    }
  }
  await store.replaceDashRows(runId, run.finished_at, rows);
  if (compare) await summarizeForCompare(store, runId);
  return rows.length;
}

/**
 * Stores what comparisons read instead of the run's frames (compare-summary.ts), from the run exactly
 * as compare loads it — or from `frames` ingest has just read back in that order (summaryFrames).
 */
export async function summarizeForCompare(store: Store, runId: string, frames?: readonly SummaryFrame[]): Promise<void> {
  const loaded = await loadRunSide(store, runId, { frames: frames === undefined });
  const side = frames ? { ...loaded, measurements: frames } : loaded;
  if (!side.finished) return; // resumed meanwhile: summarised when it finishes again
  const run = await store.getRun(runId);
  await store.replaceCompareSummary(runId, run!.finished_at, await encodeCompareSummary(side));
}

/** Finished runs that have no dashboard rows or compare summary yet (or one without cells, migration 115), or finished again since (a resumed run). */
export async function runsNeedingSummary(db: Db): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    `SELECT r.id FROM runs r LEFT JOIN dash_runs_done d ON d.run_id = r.id LEFT JOIN compare_summaries c ON c.run_id = r.id
      WHERE r.status <> 'running' AND (d.run_id IS NULL OR COALESCE(d.finished_at, -1) <> COALESCE(r.finished_at, -1)
        OR c.run_id IS NULL OR c.cells_json IS NULL OR COALESCE(c.finished_at, -1) <> COALESCE(r.finished_at, -1))
      ORDER BY r.started_at`);
  return rows.map((r) => r.id);
}

/**
 * Summarises what is missing, at most once per interval: runs written straight into the store by a
 * local `rio-farm run` appear on the dashboards without going through the ingest API.
 */
export class SummaryRefresher {
  private last = 0;
  private pending: Promise<void> | null = null;
  /** Bumped whenever dashboard rows change: caches of dashboard answers key on it. */
  generation = 0;
  /**
   * Requests being answered. A backfill steps aside for them between runs: on SQLite every query
   * queues behind the one before, and a page's queries must not each wait for a run's summary.
   */
  readonly inFlight = new Set<string>();
  constructor(private readonly store: Store, private readonly onError: (err: unknown, runId?: string) => void, private readonly intervalMs = 2000,
    /** hears each upload finished here rather than by its own request (logged by the server) */
    private readonly onFinished?: (runId: string) => void) {}
  /** Summarises one run now (the refresher) and invalidates what was derived from the old rows. */
  async summarize(runId: string, measured?: readonly FrameSample[]): Promise<void> {
    await summarizeRun(this.store, runId, measured);
    this.generation++;
  }

  /** What ingest finishes after its answers (idle() waits for it). */
  private readonly finishing = new Set<Promise<void>>();
  /** Runs an upload is finishing: the refresher leaves them to it. */
  private readonly compareQueued = new Set<string>();

  /**
   * Ingest, after the answer: `finish` (the upload's aggregates and final status, run-import.ts
   * finishImport) returns the stored frames; its dashboard rows and compare summary (each 1–2 s of
   * CPU for 20,000 frames, cell by cell between other requests) are made from them. Failures are
   * reported (onError) and left to the refresher, or to the next upload of an unfinished run.
   */
  async finishIngested(runId: string, finish: () => Promise<readonly SummaryFrame[]>): Promise<void> {
    this.compareQueued.add(runId);
    const work = (async () => {
      const frames = await finish();
      try {
        await summarizeRun(this.store, runId, frames, { compare: false });
      } finally { this.generation++; }
      await summarizeForCompare(this.store, runId, frames);
    })().catch((err) => this.onError(err, runId)).finally(() => { this.compareQueued.delete(runId); this.finishing.delete(work); });
    this.finishing.add(work);
    await work;
  }

  /** Resolves when what ingest finishes after its answers is written (the server waits for it on close). */
  async idle(): Promise<void> { while (this.finishing.size > 0) await Promise.all(this.finishing); }
  /**
   * Starts summarising what is missing (when due) and waits for it at most waitMs: a store that
   * predates the dashboard tables backfills in the background instead of holding every request.
   */
  async refresh(waitMs = 500): Promise<void> {
    if (!this.pending && Date.now() - this.last >= this.intervalMs) this.pending = this.summarizeMissing();
    if (!this.pending || waitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.pending, new Promise<void>((r) => { timer = setTimeout(r, waitMs); })]);
    clearTimeout(timer);
  }
  private async summarizeMissing(): Promise<void> {
    try {
      // Uploads a stopped server (or a failed finish) left unfinished: their aggregates and final status first.
      for (const id of await finishPendingImports(this.store, this.compareQueued)) this.onFinished?.(id);
      for (const id of await runsNeedingSummary(this.store.db)) {
        if (this.compareQueued.has(id)) continue; // just ingested: its summary is on its way
        // better-sqlite3 answers synchronously, so without a macrotask turn here the whole backfill
        // would run in microtasks and no timer or socket would be served until it ended.
        await new Promise((r) => setImmediate(r));
        while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
        // One run that cannot be summarised must not keep the others off the dashboards.
        try { await this.summarize(id); } catch (err) { this.onError(err, id); }
      }
    } catch (err) {
      this.onError(err); // the request that follows reports a broken store itself
    } finally {
      this.last = Date.now();
      this.pending = null;
    }
  }

}
