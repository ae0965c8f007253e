/**
 * The size / quantisation table: bytes per representation (PyTorch state dict, ONNX, TFLite
 * fp32 / fp16 / int8 dynamic-range) and, per runnable variant, crop quality per lighting condition
 * and mean inference latency on the same evaluation frames — so the price of quantisation shows.
 */
import { fixed, percent } from '../../../harness/src/render/numbers.ts';
import { textTable } from '../../../harness/src/render/text-table.ts';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertOnnxToTflite } from '../converter/convert.ts';
import type { EvalFrame } from './eval-frames.ts';
import { loadRunner } from './model-runner.ts';
import { measureQuality, type ConditionQuality, type QualityReport, type SweepPoint } from './quality.ts';
import { measureDeviceLatency, type DeviceLatency } from './vdevice-latency.ts';

export interface VariantRow {
  variant: string;
  bytes: number;
  quality: QualityReport | null;
  /** Mean inference time per device through `rio-farm run` (TFLite variants only). */
  devices?: DeviceLatency[];
}

export interface SizeTable {
  rows: VariantRow[];
  conditions: string[];
  frames: number;
}

export interface SizeTableInputs {
  stateDict?: string;
  onnx: string;
  /** The committed fp32 .tflite; fp16 and int8 variants are converted from `onnx`. */
  tflite: string;
  /** Suite replayed on the farm's devices for latency; omitted: no device runs. */
  latencySuite?: string;
}

export async function buildSizeTable(inputs: SizeTableInputs, frames: readonly EvalFrame[]): Promise<SizeTable> {
  const dir = mkdtempSync(join(tmpdir(), 'rio-table-'));
  try {
    const onnxBytes = readFileSync(inputs.onnx);
    const variants: [string, string][] = [['ONNX (onnxruntime, reference)', inputs.onnx], ['TFLite fp32', inputs.tflite]];
    for (const [name, opts] of [['TFLite fp16', { fp16: true }], ['TFLite int8 dynamic-range', { int8Weights: true }]] as const) {
      const path = join(dir, `${name.replace(/\W+/g, '_')}.tflite`);
      writeFileSync(path, convertOnnxToTflite(onnxBytes, opts).tflite);
      variants.push([name, path]);
    }
    const rows: VariantRow[] = [];
    if (inputs.stateDict) rows.push({ variant: 'PyTorch state dict', bytes: statSync(inputs.stateDict).size, quality: null });
    for (const [variant, path] of variants) {
      const runner = await loadRunner(path);
      try {
        const quality = frames.length ? await measureQuality(runner, frames) : null;
        const devices = inputs.latencySuite && runner.kind === 'tflite' ? measureDeviceLatency(path, inputs.latencySuite) : undefined;
        rows.push({ variant, bytes: runner.bytes, quality, devices });
      } finally {
        runner.close();
      }
    }
    const conditions = [...new Set(rows.flatMap((r) => r.quality?.rows.map((c) => c.condition) ?? []))].sort();
    return { rows, conditions, frames: frames.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (v: number | null) => percent(v, 1, '-');
const num = (v: number | null) => fixed(v, 3, '-');
/** Model tables: the name column left, numbers right-aligned. */
const numbersRight = { right: (i: number) => i > 0 };

/** Plain-text table: sizes, then median crop IoU per condition, then rates and latency. */
export function formatSizeTable(t: SizeTable): string {
  const header = ['representation', 'bytes', ...t.conditions, 'all', 'detect', 'false', 'host ms', 'device ms'];
  const lines = t.rows.map((r) => {
    const q = r.quality;
    const byCond = new Map(q?.rows.map((c) => [c.condition, c]) ?? []);
    return [r.variant, String(r.bytes), ...t.conditions.map((c) => num(byCond.get(c)?.iouMedian ?? null)),
      num(q?.all.iouMedian ?? null), pct(q?.all.detectionRate ?? null), pct(q?.all.falseDetectionRate ?? null),
      q ? q.meanInferMs.toFixed(1) : '-', r.devices?.length ? mean(r.devices.map((d) => d.meanInferMs)).toFixed(1) : '-'];
  });
  const perDevice = t.rows.filter((r) => r.devices?.length).map((r) =>
    `${r.variant}: ${r.devices!.map((d) => `${d.model}${d.virtual ? ' (virtual)' : ''} ${d.meanInferMs.toFixed(1)} ms`).join(', ')}`);
  return [textTable(header, lines, numbersRight), ...(perDevice.length ? ['device ms = mean t_infer per device via rio-farm run:', ...perDevice] : [])].join('\n');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Per-condition quality table of one model (median IoU, detection, false detections, frames). */
export function formatQuality(q: QualityReport, perScenario = false): string {
  const columns = ['card frames', 'median IoU', 'detected', 'neg frames', 'false det', 'extra/frame', 'corner order'];
  const cells = (r: ConditionQuality) => [r.scenario ?? r.condition, String(r.cardFrames), num(r.iouMedian), pct(r.detectionRate), String(r.negativeFrames), pct(r.falseDetectionRate),
    r.extraPerCardFrame === null ? '-' : r.extraPerCardFrame.toFixed(3), pct(r.cornerOrderAgreement)];
  const table = (rows: ConditionQuality[], first: string) => {
    return [textTable([first, ...columns], rows.map(cells), numbersRight)];
  };
  const byScenario = perScenario ? ['', ...table([...q.scenarios].sort((a, b) => a.condition.localeCompare(b.condition) || a.scenario!.localeCompare(b.scenario!)), 'scenario')] : [];
  const turn = q.meanTurnMs === null ? [] : [`mean quarter turn ${q.meanTurnMs.toFixed(1)} ms per frame with detections (frame decoded again, crops, classifier)`];
  return [...table([...q.rows, q.all], 'condition'), `mean inference ${q.meanInferMs.toFixed(1)} ms/frame`, ...turn, ...byScenario].join('\n');
}

/** A threshold sweep as a table: one row per (score, reject) pair, the all-frames figures. */
export function formatSweep(points: readonly SweepPoint[]): string {
  const columns = ['score', 'reject', 'median IoU', 'detected', 'false det', 'extra/frame', 'corner order'];
  return textTable(columns, points.map((p) => [p.scoreThreshold.toFixed(3), p.rejectThreshold === null ? '-' : p.rejectThreshold.toFixed(3),
    num(p.all.iouMedian), pct(p.all.detectionRate), pct(p.all.falseDetectionRate),
    p.all.extraPerCardFrame === null ? '-' : p.all.extraPerCardFrame.toFixed(3), pct(p.all.cornerOrderAgreement)]), numbersRight);
}
