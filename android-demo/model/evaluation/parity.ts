/**
 * Parity of a converted model: ONNX (onnxruntime-node) and TFLite (LiteRT.js) on the same
 * preprocessed frames — max/mean absolute error per output, and the quad IoU between the two
 * post-processed results (TFLite detections matched to the ONNX ones as if they were truth).
 */
import { matchCrops } from '../../../harness/src/metrics/crop-match.ts';
import { inputOf, type EvalFrame } from './eval-frames.ts';
import { postprocess, type ModelRunner } from './model-runner.ts';

export interface OutputParity { output: string; maxAbs: number; meanAbs: number; worstFrame: string }

export interface ParityReport {
  frames: number;
  outputs: OutputParity[];
  /** Largest per-frame max abs error over all outputs. */
  maxAbs: number;
  /** Frames where both runtimes detected cards: mean and min IoU of the matched quads. */
  quadIoUMean: number | null;
  quadIoUMin: number | null;
  /** Frames where the two detection counts differ. */
  countMismatches: number;
}

export async function measureParity(onnx: ModelRunner, tflite: ModelRunner, frames: readonly EvalFrame[]): Promise<ParityReport> {
  const names = onnx.outputNames.filter((n) => tflite.outputNames.includes(n));
  const stats = new Map(names.map((n) => [n, { maxAbs: 0, sum: 0, count: 0, worstFrame: '' }]));
  const ious: number[] = [];
  let countMismatches = 0;
  for (const f of frames) {
    const input = inputOf(f);
    const a = (await onnx.run(input)).outputs;
    const b = (await tflite.run(input)).outputs;
    for (const name of names) {
      const s = stats.get(name)!;
      const x = a[name]!.data, y = b[name]!.data;
      for (let i = 0; i < x.length; i++) {
        const e = Math.abs(x[i]! - y[i]!);
        s.sum += e;
        if (e > s.maxAbs) { s.maxAbs = e; s.worstFrame = f.id; }
      }
      s.count += x.length;
    }
    const da = postprocess(a, f.width, f.height), db = postprocess(b, f.width, f.height);
    if (da.length !== db.length) countMismatches++;
    if (da.length > 0 && db.length > 0) {
      const m = matchCrops(db, da.map((d) => ({ quad: d.quad, visible: 1 })));
      if (m.iou !== null) ious.push(m.iou);
    }
  }
  const outputs = names.map((output) => {
    const s = stats.get(output)!;
    return { output, maxAbs: s.maxAbs, meanAbs: s.sum / Math.max(1, s.count), worstFrame: s.worstFrame };
  });
  return {
    frames: frames.length, outputs, maxAbs: Math.max(...outputs.map((o) => o.maxAbs)),
    quadIoUMean: ious.length ? ious.reduce((p, q) => p + q, 0) / ious.length : null,
    quadIoUMin: ious.length ? Math.min(...ious) : null,
    countMismatches,
  };
}

/** Parity of an .onnx and its converted .tflite on a suite's frames (the first `limit`), both runners closed after. */
export async function parityOf(onnxPath: string, tflitePath: string, suite: string, limit?: number): Promise<ParityReport> {
  const { loadEvalFrames } = await import('./eval-frames.ts');
  const { loadRunner } = await import('./model-runner.ts');
  const frames = await loadEvalFrames(suite, limit);
  const onnx = await loadRunner(onnxPath), tflite = await loadRunner(tflitePath);
  try { return await measureParity(onnx, tflite, frames); } finally { tflite.close(); onnx.close?.(); }
}
