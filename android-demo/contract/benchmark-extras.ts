/**
 * `am start` extras of .BenchmarkActivity (CONTRACT.md "Start"): the names and defaults, the
 * command the harness sends, and the parser the app applies to what arrives — side by side.
 */
import { shellQuote } from '../../harness/appium-driver/lib/shell-quote.js';
import { appComponent, BENCHMARK_ACTIVITY } from './app-identity.ts';
import type { AppError, Delegate } from './results-schema.ts';

export interface BenchmarkExtras {
  /** the scenario's run id; with a playlist, the session's id */
  runId: string;
  /** one scenario: its manifest.json — exactly one of manifest and playlist is given */
  manifest?: string;
  /** many scenarios in one start (CONTRACT.md "Playlist"): the playlist.json */
  playlist?: string;
  /** how long the app waits for a playlist scenario's manifest to appear (the harness pushes it after its frames) */
  manifestWaitMs: number;
  warmup: number;
  threads: number;
  delegate: Delegate;
  fps: number;
  saveCrops: boolean;
}

/** Extra names on the intent, also `EXTRA_*` in AppContract.kt. */
export const EXTRA_NAMES = {
  runId: 'run_id', manifest: 'manifest', playlist: 'playlist', manifestWaitMs: 'manifest_wait_ms', warmup: 'warmup', threads: 'threads', delegate: 'delegate', fps: 'fps', saveCrops: 'save_crops',
} as const satisfies Record<keyof BenchmarkExtras, string>;

/** What the app uses when an optional extra is missing, also `DEFAULT_*` in AppContract.kt. */
export const EXTRA_DEFAULTS = { manifestWaitMs: 60_000, warmup: 3, threads: 4, delegate: 'cpu', fps: 0, saveCrops: false } as const;

const DELEGATES: readonly Delegate[] = ['cpu', 'xnnpack', 'gpu', 'nnapi'];

/**
 * `am start -W -n dev.riofarm.rio/.BenchmarkActivity --es run_id … --ez save_crops …`, every value
 * quoted: the delegate and run id may come from a stored run (--resume), and the device's sh would
 * otherwise run whatever they contain. The delegate is a string: the app, not the harness, refuses
 * an unknown one. Give `manifest` for one scenario or `playlist` for a session.
 */
export function benchmarkStartCommand(x: Omit<BenchmarkExtras, 'delegate' | 'manifestWaitMs'> & { delegate: string; manifestWaitMs?: number }): string {
  const q = shellQuote;
  const n = EXTRA_NAMES;
  const what = x.playlist !== undefined
    ? `--es ${n.playlist} ${q(x.playlist)}${x.manifestWaitMs !== undefined ? ` --ei ${n.manifestWaitMs} ${q(x.manifestWaitMs)}` : ''}`
    : `--es ${n.manifest} ${q(x.manifest ?? '')}`;
  return `am start -W -n ${q(appComponent(BENCHMARK_ACTIVITY))} --es ${n.runId} ${q(x.runId)} ${what} ` +
    `--ei ${n.warmup} ${q(x.warmup)} --ei ${n.threads} ${q(x.threads)} --es ${n.delegate} ${q(x.delegate)} --ei ${n.fps} ${q(x.fps)} --ez ${n.saveCrops} ${q(x.saveCrops)}`;
}

/** Parses the extras; an AppError (BAD_EXTRAS) when a required one is missing or a value is unusable. */
export function parseBenchmarkExtras(extras: Readonly<Record<string, string | number | boolean>>): BenchmarkExtras | AppError & { runId?: string } {
  const n = EXTRA_NAMES;
  const given = extras[n.runId];
  const runId = typeof given === 'string' && /^[A-Za-z0-9._-]+$/.test(given) ? given : undefined;
  const bad = (message: string) => ({ code: 'BAD_EXTRAS', message, runId });
  if (!runId) return bad(`${n.runId} (--es) is required: letters, digits, . _ -`);
  const manifest = extras[n.manifest], playlist = extras[n.playlist];
  const path = (v: unknown) => typeof v === 'string' && v.startsWith('/');
  if ((manifest === undefined) === (playlist === undefined)) return bad(`exactly one of ${n.manifest} and ${n.playlist} (--es) is required`);
  if (manifest !== undefined && !path(manifest)) return bad(`${n.manifest} (--es) must be an absolute device path`);
  if (playlist !== undefined && !path(playlist)) return bad(`${n.playlist} (--es) must be an absolute device path`);
  const int = (name: string, fallback: number, min: number): number | undefined => {
    const v = extras[name] ?? fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : undefined;
  };
  const d = EXTRA_DEFAULTS;
  const warmup = int(n.warmup, d.warmup, 0), threads = int(n.threads, d.threads, 1), fps = int(n.fps, d.fps, 0);
  const manifestWaitMs = int(n.manifestWaitMs, d.manifestWaitMs, 0);
  if (warmup === undefined || threads === undefined || fps === undefined || manifestWaitMs === undefined) {
    return bad('warmup, threads, fps and manifest_wait_ms (--ei) must be integers (threads ≥ 1)');
  }
  const delegate = extras[n.delegate] ?? d.delegate;
  if (!DELEGATES.includes(delegate as Delegate)) return bad(`delegate must be one of ${DELEGATES.join('|')}`);
  const saveCrops = extras[n.saveCrops] ?? d.saveCrops;
  if (typeof saveCrops !== 'boolean') return bad('save_crops (--ez) must be a boolean');
  return { runId, ...(manifest !== undefined ? { manifest: manifest as string } : { playlist: playlist as string }), manifestWaitMs,
    warmup, threads, delegate: delegate as Delegate, fps, saveCrops };
}
