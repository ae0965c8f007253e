/**
 * Per (run, device, scenario, lighting) statistics from per-frame measurement rows, plus a '*' row
 * per (device, scenario). Which frames count is counted-frames.ts's rule; CIs are stats/estimates.ts'.
 */
import type { AggregateRow, MeasurementRow } from '../store/rows.ts';
import { mean, quantileSorted, std } from '../stats/descriptive.ts';
import { latencyEstimates, meanEstimate } from '../stats/estimates.ts';
import { accuracyOf, countsForLatency, inferenceCpuSample, processedByApp, ranToEnd, thermalExcluded, type FrameRule } from './counted-frames.ts';
import { ALL_LIGHTING } from './lighting.ts';
import { judge, type QualityBars } from './quality-bars.ts';

/** The measurement columns an aggregate reads (a full MeasurementRow fits). */
export type AggregateFrame = Omit<MeasurementRow, 'attempt_id' | 'repeat_index' | 'frame_index' | 't_decode' | 't_pre' | 't_post' | 't_turn' | 'detections_json'>;

export interface AggregateOptions {
  bars: QualityBars;
  /** replay fps per scenario id (0 or missing: as fast as possible) */
  replayFps?: ReadonlyMap<string, number>;
  /** include thermal-flagged frames in latency statistics (the run's `--include-thermal`; default false) */
  includeThermal?: boolean;
}

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

export function computeAggregates(rows: readonly AggregateFrame[], opts: AggregateOptions): AggregateRow[] {
  const cells = new Map<string, AggregateFrame[]>();
  const add = (k: string, r: AggregateFrame) => { const l = cells.get(k); if (l) l.push(r); else cells.set(k, [r]); };
  for (const r of rows) {
    add(JSON.stringify([r.run_id, r.serial, r.scenario_id, r.lighting]), r);
    add(JSON.stringify([r.run_id, r.serial, r.scenario_id, ALL_LIGHTING]), r);
  }
  // A scenario is shot under one lighting, so its '*' cell usually holds the very frames of its one
  // lighting cell: that row is the same figures under another label (a row depends on its frames
  // alone, CIs seeded by the sample), and its bootstraps — half of an ingested run's aggregates — are skipped.
  const sorted = [...cells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, cell]) => {
    const [runId, serial, scenarioId, lighting] = JSON.parse(key) as string[];
    return { runId: runId!, serial: serial!, scenarioId: scenarioId!, lighting: lighting!, group: JSON.stringify([runId, serial, scenarioId]), cell };
  });
  const byGroup = new Map<string, AggregateRow[]>();
  const perLighting = sorted.map((c) => {
    if (c.lighting === ALL_LIGHTING) return null;
    const row = aggregateCell(c.runId, c.serial, c.scenarioId, c.lighting, c.cell, opts);
    byGroup.set(c.group, [...byGroup.get(c.group) ?? [], row]);
    return row;
  });
  return sorted.map((c, i) => {
    const done = perLighting[i];
    if (done) return done;
    const own = byGroup.get(c.group);
    return own?.length === 1 ? { ...own[0]!, lighting: ALL_LIGHTING } : aggregateCell(c.runId, c.serial, c.scenarioId, ALL_LIGHTING, c.cell, opts);
  });
}

function aggregateCell(run_id: string, serial: string, scenario_id: string, lighting: string,
  rows: readonly AggregateFrame[], opts: AggregateOptions): AggregateRow {
  const rule: FrameRule = { includeThermal: opts.includeThermal === true };
  const ran = rows.filter(ranToEnd);
  const latencyRows = ran.filter((r) => countsForLatency(r, rule));
  const lat = latencyRows.map((r) => r.t_total!).sort((a, b) => a - b);
  const infer = latencyRows.map((r) => r.t_infer ?? NaN).filter(Number.isFinite).sort((a, b) => a - b);
  const { p50, p90, p99, mean: latMean } = latencyEstimates(lat);
  const cpuSample = inferenceCpuSample(rows, rule);
  const cpu = cpuSample.length ? latencyEstimates(cpuSample) : undefined;

  const seen = rows.filter(processedByApp);
  const acc = accuracyOf(rows);
  const iouMean = meanEstimate(acc.ious);
  const corner = (f: (r: AggregateFrame) => number | null) => orNull(mean(seen.map(f).filter((v): v is number => v !== null)));
  const drop_rate = rows.length ? rows.filter((r) => r.dropped).length / rows.length : null;
  const fps = opts.replayFps?.get(scenario_id) ?? 0;
  // Paced replay: what the device kept up with; unpaced: the pipeline's own throughput.
  const sustained_fps = fps > 0 ? (drop_rate === null ? null : fps * (1 - drop_rate)) : orNull(1000 / mean(ran.map((r) => r.t_total!)));
  const quality = {
    card_frames: acc.card_frames, negative_frames: acc.negative_frames,
    iou_median: orNull(quantileSorted(acc.ious, 0.5)),
    detection_rate: acc.detection_rate, false_detection_rate: acc.false_detection_rate,
    p90: p90.value, drop_rate,
  };
  const { verdict, reason } = judge(quality, opts.bars);
  return {
    run_id, serial, scenario_id, lighting,
    frames: rows.length, card_frames: acc.card_frames, negative_frames: acc.negative_frames,
    latency_n: lat.length, thermal_excluded: ran.filter((r) => thermalExcluded(r, rule)).length,
    p50: p50.value, p50_lo: p50.lo, p50_hi: p50.hi,
    p90: p90.value, p90_lo: p90.lo, p90_hi: p90.hi,
    p99: p99.value, p99_lo: p99.lo, p99_hi: p99.hi,
    mean: latMean.value, mean_lo: latMean.lo, mean_hi: latMean.hi, std: orNull(std(lat)),
    infer_p50: orNull(quantileSorted(infer, 0.5)), sustained_fps, drop_rate,
    iou_median: quality.iou_median, iou_mean: iouMean.value, iou_mean_lo: iouMean.lo, iou_mean_hi: iouMean.hi,
    corner_err_px: corner((r) => r.corner_err_px), corner_err_pct: corner((r) => r.corner_err_pct),
    detection_rate: quality.detection_rate,
    false_detections: rows.reduce((s, r) => s + r.false_detections, 0),
    false_detection_rate: quality.false_detection_rate,
    infer_cpu_p05: cpu?.p05.value ?? null, infer_cpu_p05_lo: cpu?.p05.lo ?? null, infer_cpu_p05_hi: cpu?.p05.hi ?? null,
    infer_cpu_p50: cpu?.p50.value ?? null, infer_cpu_p50_lo: cpu?.p50.lo ?? null, infer_cpu_p50_hi: cpu?.p50.hi ?? null,
    infer_cpu_p90: cpu?.p90.value ?? null, infer_cpu_p90_lo: cpu?.p90.lo ?? null, infer_cpu_p90_hi: cpu?.p90.hi ?? null,
    verdict, verdict_reason: reason,
  };
}
