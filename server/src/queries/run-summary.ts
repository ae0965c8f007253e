/**
 * Fills the dashboard pre-aggregates (dash_run_device, migration 050) from a finished run's
 * measurements, so every dashboard read is an indexed lookup instead of a scan of frame rows.
 */
import type { Db } from '../../../harness/src/store/db.ts';
import { latencyHistogram, meanWithCi, quantileWithCi, type Estimate, type Histogram } from './summary-stats.ts';

/** Lowest-IoU frames kept per run device for the run page (drawn with sharp on request). */
const WORST_FRAMES_PER_DEVICE = 4;

/** The measurement columns a summary reads. */
export interface FrameSample {
  serial: string; lighting: string; scenario_id: string; attempt_id: string; frame_index: number;
  t_total: number | null; dropped: number; thermal_flag: number; iou: number | null; matched: number; cards: number;
  error: string | null;
}

export interface WorstFrame { attempt_id: string; frame_index: number; scenario_id: string; iou: number }

interface Bucket { serial: string; lighting: string; frames: number; dropped: number; thermal: number; latencies: number[]; ious: number[];
  matched: number; cards: number; worst: WorstFrame[] }

function newBucket(serial: string, lighting: string): Bucket {
  return { serial, lighting, frames: 0, dropped: 0, thermal: 0, latencies: [], ious: [], matched: 0, cards: 0, worst: [] };
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

/** Worst first; ties (many missed cards score 0) broken by frame identity, so any row order gives the same list. */
function worse(a: WorstFrame, b: WorstFrame): number {
  return a.iou - b.iou || (a.attempt_id < b.attempt_id ? -1 : a.attempt_id > b.attempt_id ? 1 : a.frame_index - b.frame_index);
}

/** Keeps the k lowest-IoU frames seen so far (k is tiny, so a sorted array is enough). */
function keepWorst(b: Bucket, f: FrameSample): void {
  if (f.cards === 0 || f.dropped) return;
  const iou = f.iou ?? 0;
  const w = { attempt_id: f.attempt_id, frame_index: f.frame_index, scenario_id: f.scenario_id, iou };
  if (b.worst.length === WORST_FRAMES_PER_DEVICE && worse(w, b.worst[b.worst.length - 1]!) >= 0) return;
  b.worst.push(w);
  b.worst.sort(worse);
  if (b.worst.length > WORST_FRAMES_PER_DEVICE) b.worst.pop();
}

/**
 * Recomputes one run's dashboard rows (replacing any earlier ones) in one transaction. Ingest passes
 * the uploaded frames it has just stored, which saves reading them back.
 */
export async function summarizeRun(db: Db, runId: string, measured?: readonly FrameSample[]): Promise<number> {
  const run = await db.get<{ suite: string; started_at: number; finished_at: number | null }>(
    'SELECT suite, started_at, finished_at FROM runs WHERE id = ?', [runId]);
  if (!run) return 0;
  const devices = await db.all<{ serial: string; fingerprint_id: string | null; virtual: number | null }>(
    `SELECT rd.serial, rd.fingerprint_id, COALESCE(f.virtual, d.virtual) AS virtual
       FROM run_devices rd LEFT JOIN device_fingerprints f ON f.id = rd.fingerprint_id
       LEFT JOIN devices d ON d.serial = rd.serial WHERE rd.run_id = ?`, [runId]);
  const frames = measured ?? await db.all<FrameSample>(
    `SELECT serial, lighting, scenario_id, attempt_id, frame_index, t_total, dropped, thermal_flag, iou, matched, cards, error
       FROM measurements WHERE run_id = ?`, [runId]);
  const cells = summaryCells(frames);
  const deviceBySerial = new Map(devices.map((d) => [d.serial, d]));
  await db.tx(async (t) => {
    await t.run('DELETE FROM dash_run_device WHERE run_id = ?', [runId]);
    // Serial and lighting from the bucket, not from splitting its key: a stored serial may hold any character.
    for (const { serial, lighting, b, p50, p90, iou, detection_rate, hist } of cells) {
      const dev = deviceBySerial.get(serial);
      await t.run(
        `INSERT INTO dash_run_device (run_id, serial, lighting, suite, started_at, virtual, fingerprint_id, frames, latency_n,
           thermal_excluded, dropped, p50, p50_lo, p50_hi, p90, p90_lo, p90_hi, iou_n, iou_mean, iou_lo, iou_hi,
           detection_rate, histogram_json, worst_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [runId, serial, lighting, run.suite, run.started_at, dev?.virtual ?? 0, dev?.fingerprint_id ?? null, b.frames,
          b.latencies.length, b.thermal, b.dropped, p50.value, p50.lo, p50.hi, p90.value, p90.lo, p90.hi,
          b.ious.length, iou.value, iou.lo, iou.hi, detection_rate,
          hist ? JSON.stringify(hist) : null, lighting === '*' ? JSON.stringify(b.worst) : null]);
    }
    await t.run('DELETE FROM dash_runs_done WHERE run_id = ?', [runId]);
    await t.run('INSERT INTO dash_runs_done (run_id, finished_at, summarized_at) VALUES (?, ?, ?)', [runId, run.finished_at, Date.now()]);
  });
  return cells.length;
}

/** One dashboard row's statistics before it is stored (nightly series replay recorded frames through it). */
export interface SummaryCell {
  serial: string; lighting: string; b: Omit<Bucket, 'serial' | 'lighting'>;
  p50: Estimate; p90: Estimate; iou: Estimate; detection_rate: number | null; hist: Histogram | null;
}

/** The dashboard rows of a run's frames: per (serial, lighting) and per serial over every lighting ('*'). */
export function summaryCells(frames: readonly FrameSample[]): SummaryCell[] {
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
    keepWorst(all, f);
    addSample(bucket(f.serial, f.lighting), f);
  }
  return [...buckets.values()].map(({ serial, lighting, ...b }) => {
    // Sorted before summing too: the means then do not depend on the order rows arrived in
    // (SQLite, PostgreSQL and an upload give the same stored numbers).
    b.latencies.sort((x, y) => x - y);
    b.ious.sort((x, y) => x - y);
    return { serial, lighting, b, p50: quantileWithCi(b.latencies, 0.5), p90: quantileWithCi(b.latencies, 0.9), iou: meanWithCi(b.ious),
      detection_rate: b.cards > 0 ? b.matched / b.cards : null, hist: lighting === '*' ? latencyHistogram(b.latencies) : null };
  });
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
  constructor(private readonly db: Db, private readonly onError: (err: unknown, runId?: string) => void, private readonly intervalMs = 2000) {}
  /** Summarises one run now (ingest) and invalidates what was derived from the old rows. */
  async summarize(runId: string, measured?: readonly FrameSample[]): Promise<void> {
    await summarizeRun(this.db, runId, measured);
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
      for (const id of await runsNeedingSummary(this.db)) {
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
