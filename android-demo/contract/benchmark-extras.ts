/**
 * `am start` extras of .BenchmarkActivity (CONTRACT.md "Start"): the names and defaults, the
 * command the harness sends, and the parser the app applies to what arrives — side by side.
 */
import { shellQuote } from '../../harness/appium-driver/lib/shell-quote.js';
import { appComponent, BENCHMARK_ACTIVITY } from './app-identity.ts';
import type { AppError, Delegate } from './results-schema.ts';

export interface BenchmarkExtras {
  runId: string;
  manifest: string;
  warmup: number;
  threads: number;
  delegate: Delegate;
  fps: number;
  saveCrops: boolean;
}

/** Extra names on the intent, also `EXTRA_*` in AppContract.kt. */
export const EXTRA_NAMES = {
  runId: 'run_id', manifest: 'manifest', warmup: 'warmup', threads: 'threads', delegate: 'delegate', fps: 'fps', saveCrops: 'save_crops',
} as const satisfies Record<keyof BenchmarkExtras, string>;

/** What the app uses when an optional extra is missing, also `DEFAULT_*` in AppContract.kt. */
export const EXTRA_DEFAULTS = { warmup: 3, threads: 4, delegate: 'cpu', fps: 0, saveCrops: false } as const;

const DELEGATES: readonly Delegate[] = ['cpu', 'xnnpack', 'gpu', 'nnapi'];

/**
 * `am start -W -n dev.riofarm.rio/.BenchmarkActivity --es run_id … --ez save_crops …`, every value
 * quoted: the delegate and run id may come from a stored run (--resume), and the device's sh would
 * otherwise run whatever they contain. The delegate is a string: the app, not the harness, refuses
 * an unknown one.
 */
export function benchmarkStartCommand(x: Omit<BenchmarkExtras, 'delegate'> & { delegate: string }): string {
  const q = shellQuote;
  const n = EXTRA_NAMES;
  return `am start -W -n ${q(appComponent(BENCHMARK_ACTIVITY))} --es ${n.runId} ${q(x.runId)} --es ${n.manifest} ${q(x.manifest)} ` +
    `--ei ${n.warmup} ${q(x.warmup)} --ei ${n.threads} ${q(x.threads)} --es ${n.delegate} ${q(x.delegate)} --ei ${n.fps} ${q(x.fps)} --ez ${n.saveCrops} ${q(x.saveCrops)}`;
}

/** Parses the extras; an AppError (BAD_EXTRAS) when a required one is missing or a value is unusable. */
export function parseBenchmarkExtras(extras: Readonly<Record<string, string | number | boolean>>): BenchmarkExtras | AppError & { runId?: string } {
  const n = EXTRA_NAMES;
  const given = extras[n.runId];
  const runId = typeof given === 'string' && /^[A-Za-z0-9._-]+$/.test(given) ? given : undefined;
  const bad = (message: string) => ({ code: 'BAD_EXTRAS', message, runId });
  if (!runId) return bad(`${n.runId} (--es) is required: letters, digits, . _ -`);
  const manifest = extras[n.manifest];
  if (typeof manifest !== 'string' || !manifest.startsWith('/')) return bad(`${n.manifest} (--es) must be an absolute device path`);
  const int = (name: string, fallback: number, min: number): number | undefined => {
    const v = extras[name] ?? fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : undefined;
  };
  const d = EXTRA_DEFAULTS;
  const warmup = int(n.warmup, d.warmup, 0), threads = int(n.threads, d.threads, 1), fps = int(n.fps, d.fps, 0);
  if (warmup === undefined || threads === undefined || fps === undefined) return bad('warmup, threads and fps (--ei) must be integers (threads ≥ 1)');
  const delegate = extras[n.delegate] ?? d.delegate;
  if (!DELEGATES.includes(delegate as Delegate)) return bad(`delegate must be one of ${DELEGATES.join('|')}`);
  const saveCrops = extras[n.saveCrops] ?? d.saveCrops;
  if (typeof saveCrops !== 'boolean') return bad('save_crops (--ez) must be a boolean');
  return { runId, manifest, warmup, threads, delegate: delegate as Delegate, fps, saveCrops };
}
