/**
 * Fills the dashboard pre-aggregates (dash_run_device, migration 050) from a finished run's
 * measurements, so every dashboard read is an indexed lookup instead of a scan of frame rows.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import type { DashRunDeviceRow, Store } from '../../../harness/src/store/index.ts';
import { WorstFrameList } from '../../../harness/src/report/worst-frame-choice.ts';
import { latencyHistogram, meanWithCi, quantileWithCi, type Histogram } from './summary-stats.ts';

/** Worst frames kept per run device for the run page (drawn with sharp on request). */
const WORST_FRAMES_PER_DEVICE = 4;

/** The measurement columns a summary reads. */
export interface FrameSample {
  serial: string; lighting: string; scenario_id: string; attempt_id: string; frame_index: number;
  t_total: number | null; dropped: number; thermal_flag: number; iou: number | null; matched: number; cards: number;
  false_detections: number; error: string | null;
}

/** A worst frame as the run page lists it (the choice: harness/src/report/worst-frame-choice.ts). */
export interface WorstFrame {
  attempt_id: string; frame_index: number; scenario_id: string; iou: number | null; cards: number; false_detections: number;
}

interface Bucket { serial: string; lighting: string; frames: number; dropped: number; thermal: number; latencies: number[]; ious: number[];
  matched: number; cards: number; worst: WorstFrameList<FrameSample> }

function newBucket(serial: string, lighting: string): Bucket {
  return { serial, lighting, frames: 0, dropped: 0, thermal: 0, latencies: [], ious: [], matched: 0, cards: 0,
    worst: new WorstFrameList<FrameSample>(WORST_FRAMES_PER_DEVICE) };
}

function addSample(b: Bucket, f: FrameSample): void {
  // Same sample rules as the harness's aggregates (harness/src/metrics/aggregate.ts): latency over
  // frames that ran, were not dropped and not thermal-flagged; IoU and detection over the card frames
  // the app processed (dropped ones count in the drop rate only), a miss counting 0.
  b.frames++;
  if (f.dropped) {
    b.dropped++;
    return;
  }
  if (!f.error && f.t_total !== null) {
    if (f.thermal_flag) b.thermal++;
    else b.latencies.push(f.t_total);
  }
  if (f.cards > 0) b.ious.push(f.iou ?? 0);
  b.matched += f.matched;
  b.cards += f.cards;
}

function worstFrameOut(f: FrameSample): WorstFrame {
  return { attempt_id: f.attempt_id, frame_index: f.frame_index, scenario_id: f.scenario_id, iou: f.cards > 0 ? f.iou ?? 0 : null,
    cards: f.cards, false_detections: f.false_detections };
}

/**
 * Recomputes one run's dashboard rows (replacing any earlier ones) in one transaction. Ingest passes
 * the uploaded frames it has just stored, which saves reading them back.
 */
export async function summarizeRun(store: Store, runId: string, measured?: readonly FrameSample[]): Promise<number> {
  const db = store.db;
  const run = await db.get<{ suite: string; started_at: number; finished_at: number | null }>(
    'SELECT suite, started_at, finished_at FROM runs WHERE id = ?', [runId]);
  if (!run) return 0;
  const devices = await db.all<{ serial: string; fingerprint_id: string | null; virtual: number | null }>(
    `SELECT rd.serial, rd.fingerprint_id, COALESCE(f.virtual, d.virtual) AS virtual
       FROM run_devices rd LEFT JOIN device_fingerprints f ON f.id = rd.fingerprint_id
       LEFT JOIN devices d ON d.serial = rd.serial WHERE rd.run_id = ?`, [runId]);
  const frames = measured ?? await db.all<FrameSample>(
    `SELECT serial, lighting, scenario_id, attempt_id, frame_index, t_total, dropped, thermal_flag, iou, matched, cards,
            false_detections, error
       FROM measurements WHERE run_id = ?`, [runId]);
  const buckets = new Map<string, Bucket>();
  const bucket = (serial: string, lighting: string) => {
    const k = `${serial}\u0000${lighting}`;
    let b = buckets.get(k);
    if (!b) { b = newBucket(serial, lighting); buckets.set(k, b); }
    return b;
  };
  for (const f of frames) {
    const all = bucket(f.serial, '*');
    addSample(all, f);
    all.worst.offer(f);
    addSample(bucket(f.serial, f.lighting), f);
  }
  const deviceBySerial = new Map(devices.map((d) => [d.serial, d]));
  // Serial and lighting from the bucket, not from splitting its key: a stored serial may hold any character.
  const rows: DashRunDeviceRow[] = [...buckets.values()].map(({ serial, lighting, ...b }) => {
    const dev = deviceBySerial.get(serial);
    // Sorted before summing too: the means then do not depend on the order rows arrived in
    // (SQLite, PostgreSQL and an upload give the same stored numbers).
    b.latencies.sort((x, y) => x - y);
    b.ious.sort((x, y) => x - y);
    const p50 = quantileWithCi(b.latencies, 0.5);
    const p90 = quantileWithCi(b.latencies, 0.9);
    const iou = meanWithCi(b.ious);
    const hist: Histogram | null = lighting === '*' ? latencyHistogram(b.latencies) : null;
    return {
      run_id: runId, serial, lighting, suite: run.suite, started_at: run.started_at, virtual: dev?.virtual ?? 0,
      fingerprint_id: dev?.fingerprint_id ?? null, frames: b.frames, latency_n: b.latencies.length, thermal_excluded: b.thermal,
      dropped: b.dropped, p50: p50.value, p50_lo: p50.lo, p50_hi: p50.hi, p90: p90.value, p90_lo: p90.lo, p90_hi: p90.hi,
      iou_n: b.ious.length, iou_mean: iou.value, iou_lo: iou.lo, iou_hi: iou.hi, detection_rate: b.cards > 0 ? b.matched / b.cards : null,
      histogram_json: hist ? JSON.stringify(hist) : null, worst_json: lighting === '*' ? JSON.stringify(b.worst.frames.map(worstFrameOut)) : null,
    };
  });
  await store.replaceDashRows(runId, run.finished_at, rows);
  return buckets.size;
}

/** Finished runs that have no dashboard rows yet, or finished again since (a resumed run). */
export async function runsNeedingSummary(db: Db): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    `SELECT r.id FROM runs r LEFT JOIN dash_runs_done d ON d.run_id = r.id
      WHERE r.status <> 'running' AND (d.run_id IS NULL OR COALESCE(d.finished_at, -1) <> COALESCE(r.finished_at, -1))
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
  constructor(private readonly store: Store, private readonly onError: (err: unknown, runId?: string) => void, private readonly intervalMs = 2000) {}
  /** Summarises one run now (ingest) and invalidates what was derived from the old rows. */
  async summarize(runId: string, measured?: readonly FrameSample[]): Promise<void> {
    await summarizeRun(this.store, runId, measured);
    this.generation++;
  }
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
      for (const id of await runsNeedingSummary(this.store.db)) {
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
