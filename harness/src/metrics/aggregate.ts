/**
 * Per (run, device, scenario, lighting) statistics from per-frame measurement rows, plus a '*' row
 * per (device, scenario). Latency statistics skip dropped, failed and thermal-flagged frames (the
 * flagged ones are counted): throttled numbers must not silently slow a series.
 */
import type { AggregateRow, MeasurementRow } from '../store/rows.ts';
import { mean, quantileSorted, std } from '../stats/descriptive.ts';
import { bootstrapCI, bootstrapCIs, seedFrom } from '../stats/bootstrap.ts';
import { ALL_LIGHTING } from './lighting.ts';
import { judge, type QualityBars } from './quality-bars.ts';

export interface AggregateOptions {
  bars: QualityBars;
  /** replay fps per scenario id (0 or missing: as fast as possible) */
  replayFps?: ReadonlyMap<string, number>;
  /** include thermal-flagged frames in latency statistics (default false) */
  includeThermal?: boolean;
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

export function computeAggregates(rows: readonly MeasurementRow[], opts: AggregateOptions): AggregateRow[] {
  const cells = new Map<string, MeasurementRow[]>();
  const add = (k: string, r: MeasurementRow) => { const l = cells.get(k); if (l) l.push(r); else cells.set(k, [r]); };
  for (const r of rows) {
    add(JSON.stringify([r.run_id, r.serial, r.scenario_id, r.lighting]), r);
    add(JSON.stringify([r.run_id, r.serial, r.scenario_id, ALL_LIGHTING]), r);
  }
  const out: AggregateRow[] = [];
  for (const [key, cell] of [...cells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [runId, serial, scenarioId, lighting] = JSON.parse(key) as string[];
    out.push(aggregateCell(runId!, serial!, scenarioId!, lighting!, cell, opts));
  }
  return out;
}

function aggregateCell(run_id: string, serial: string, scenario_id: string, lighting: string,
  rows: readonly MeasurementRow[], opts: AggregateOptions): AggregateRow {
  const seed = (stat: string) => seedFrom(`${run_id}/${serial}/${scenario_id}/${lighting}/${stat}`);
  const ran = rows.filter((r) => !r.dropped && !r.error && r.t_total !== null);
  const latencyRows = opts.includeThermal ? ran : ran.filter((r) => !r.thermal_flag);
  const lat = latencyRows.map((r) => r.t_total!).sort((a, b) => a - b);
  const infer = latencyRows.map((r) => r.t_infer ?? NaN).filter(Number.isFinite).sort((a, b) => a - b);
  const cis = bootstrapCIs(lat, {
    p50: (s) => quantileSorted(s, 0.5), p90: (s) => quantileSorted(s, 0.9), p99: (s) => quantileSorted(s, 0.99), mean: (s) => mean(s),
  }, seed('latency'));
  const ci = (k: keyof typeof cis) => cis[k].map(orNull) as [number | null, number | null];
  const [p50_lo, p50_hi] = ci('p50');
  const [p90_lo, p90_hi] = ci('p90');
  const [p99_lo, p99_hi] = ci('p99');
  const [mean_lo, mean_hi] = ci('mean');

  // Accuracy over the frames the app processed: a frame dropped by the keep-latest camera was never
  // looked at, so it is counted in drop_rate (and sustained fps), not as a missed card — otherwise a
  // slower device would read as a worse model (MLPerf keeps accuracy and performance apart the same way).
  const seen = rows.filter((r) => !r.dropped);
  const cardRows = seen.filter((r) => r.cards > 0);
  const negRows = seen.filter((r) => r.negative);
  const ious = cardRows.map((r) => r.iou ?? 0).sort((a, b) => a - b);
  const [iou_mean_lo, iou_mean_hi] = bootstrapCI(ious, mean, seed('iou')).map(orNull) as [number | null, number | null];
  const corner = (f: (r: MeasurementRow) => number | null) => orNull(mean(seen.map(f).filter((v): v is number => v !== null)));
  const cards = cardRows.reduce((s, r) => s + r.cards, 0);
  const matched = cardRows.reduce((s, r) => s + r.matched, 0);
  const drop_rate = rows.length ? rows.filter((r) => r.dropped).length / rows.length : null;
  const fps = opts.replayFps?.get(scenario_id) ?? 0;
  // Paced replay: what the device kept up with; unpaced: the pipeline's own throughput.
  const sustained_fps = fps > 0 ? (drop_rate === null ? null : fps * (1 - drop_rate)) : orNull(1000 / mean(ran.map((r) => r.t_total!)));
  const quality = {
    card_frames: cardRows.length, negative_frames: negRows.length,
    iou_median: orNull(quantileSorted(ious, 0.5)),
    detection_rate: cards ? matched / cards : null,
    false_detection_rate: negRows.length ? negRows.filter((r) => r.detections > 0).length / negRows.length : null,
    p90: orNull(quantileSorted(lat, 0.9)), drop_rate,
  };
  const { verdict, reason } = judge(quality, opts.bars);
  return {
    run_id, serial, scenario_id, lighting,
    frames: rows.length, card_frames: cardRows.length, negative_frames: negRows.length,
    latency_n: lat.length, thermal_excluded: opts.includeThermal ? 0 : ran.filter((r) => r.thermal_flag).length,
    p50: orNull(quantileSorted(lat, 0.5)), p50_lo, p50_hi,
    p90: quality.p90, p90_lo, p90_hi,
    p99: orNull(quantileSorted(lat, 0.99)), p99_lo, p99_hi,
    mean: orNull(mean(lat)), mean_lo, mean_hi, std: orNull(std(lat)),
    infer_p50: orNull(quantileSorted(infer, 0.5)), sustained_fps, drop_rate,
    iou_median: quality.iou_median, iou_mean: orNull(mean(ious)), iou_mean_lo, iou_mean_hi,
    corner_err_px: corner((r) => r.corner_err_px), corner_err_pct: corner((r) => r.corner_err_pct),
    detection_rate: quality.detection_rate,
    false_detections: rows.reduce((s, r) => s + r.false_detections, 0),
    false_detection_rate: quality.false_detection_rate,
    verdict, verdict_reason: reason,
  };
}
