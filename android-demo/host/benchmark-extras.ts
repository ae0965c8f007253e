/** `am start` extras of .BenchmarkActivity (CONTRACT.md "Start"), with the contract's defaults. */
import type { AppError, Delegate } from '../contract/results-schema.ts';

export interface BenchmarkExtras {
  runId: string;
  manifest: string;
  warmup: number;
  threads: number;
  delegate: Delegate;
  fps: number;
  saveCrops: boolean;
}

const DELEGATES: readonly Delegate[] = ['cpu', 'xnnpack', 'gpu', 'nnapi'];

/** Parses the extras; an AppError (BAD_EXTRAS) when a required one is missing or a value is unusable. */
export function parseBenchmarkExtras(extras: Readonly<Record<string, string | number | boolean>>): BenchmarkExtras | AppError & { runId?: string } {
  const runId = typeof extras.run_id === 'string' && /^[A-Za-z0-9._-]+$/.test(extras.run_id) ? extras.run_id : undefined;
  const bad = (message: string) => ({ code: 'BAD_EXTRAS', message, runId });
  if (!runId) return bad('run_id (--es) is required: letters, digits, . _ -');
  if (typeof extras.manifest !== 'string' || !extras.manifest.startsWith('/')) return bad('manifest (--es) must be an absolute device path');
  const int = (name: string, fallback: number, min: number): number | undefined => {
    const v = extras[name] ?? fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : undefined;
  };
  const warmup = int('warmup', 3, 0), threads = int('threads', 4, 1), fps = int('fps', 0, 0);
  if (warmup === undefined || threads === undefined || fps === undefined) return bad('warmup, threads and fps (--ei) must be integers (threads ≥ 1)');
  const delegate = extras.delegate ?? 'cpu';
  if (!DELEGATES.includes(delegate as Delegate)) return bad(`delegate must be one of ${DELEGATES.join('|')}`);
  const saveCrops = extras.save_crops ?? false;
  if (typeof saveCrops !== 'boolean') return bad('save_crops (--ez) must be a boolean');
  return { runId, manifest: extras.manifest, warmup, threads, delegate: delegate as Delegate, fps, saveCrops };
}
