/**
 * Everything `rio-farm run` can be told, validated into one object (stored as the run's
 * options_json, so `--resume` continues with exactly the same settings).
 */
import { RioError } from '../errors.ts';
import { DEFAULT_BARS, type QualityBars } from '../metrics/quality-bars.ts';
import { DEFAULT_HEALTH, type HealthThresholds } from '../health/preflight.ts';
import { DEFAULT_DB_URL } from '../store/index.ts';
import { RECONNECT_WAIT_MS } from './device-session.ts';

export const DELEGATES = ['cpu', 'xnnpack', 'gpu', 'nnapi'] as const;

export interface RunOptions {
  suite: string;
  /** 'all' or explicit serials */
  devices: 'all' | string[];
  apk?: string;
  model?: string;
  repeat: number;
  threads: number;
  delegate: string;
  warmup: number;
  /** replay fps override; undefined = each scenario's own fps */
  fps?: number;
  shard: boolean;
  out?: string;
  db: string;
  labels: Record<string, string>;
  /** infrastructure retries per work item (attempts = 1 + retries) */
  retries: number;
  /** per-scenario deadline; undefined = SCENARIO_BASE_MS + frames × PER_FRAME_MS */
  scenarioTimeoutMs?: number;
  stallMs: number;
  saveCrops: boolean;
  includeThermal: boolean;
  bars: QualityBars;
  health: HealthThresholds;
  /** how many vdevices to start when no device is attached */
  vdevices: number;
  /** profiles for self-started vdevices, used in turn */
  vdeviceProfiles?: string[];
  /** where self-started vdevices keep storage and port between runs (absent: temporary devices) */
  vdeviceHome?: string;
  upload?: string;
  /** only these scenario ids of the suite (default: all) */
  scenarios?: string[];
  /** how long a dropped device gets to come back before its work moves elsewhere */
  reconnectWaitMs: number;
}

/** A scenario's deadline: start-up (model load, warm-up) plus a generous per-frame budget for slow phones. */
export const SCENARIO_BASE_MS = 60_000;
export const PER_FRAME_MS = 2_000;
/** Silence between progress markers before a run counts as stalled. */
export const DEFAULT_STALL_MS = 30_000;

export const DEFAULT_RUN_OPTIONS: Omit<RunOptions, 'suite'> = {
  devices: 'all', repeat: 1, threads: 4, delegate: 'cpu', warmup: 3, shard: false, db: DEFAULT_DB_URL, labels: {},
  retries: 2, stallMs: DEFAULT_STALL_MS, saveCrops: true, includeThermal: false, bars: DEFAULT_BARS, health: DEFAULT_HEALTH,
  vdevices: 3, reconnectWaitMs: RECONNECT_WAIT_MS,
};

export function validateRunOptions(o: RunOptions): RunOptions {
  const bad = (msg: string, option: string) => new RioError('BAD_ARGUMENT', msg, { option });
  if (!o.suite) throw bad('--suite is required', '--suite');
  if (!Number.isInteger(o.repeat) || o.repeat < 1) throw bad('--repeat must be an integer ≥ 1', '--repeat');
  if (!Number.isInteger(o.threads) || o.threads < 1) throw bad('--threads must be an integer ≥ 1', '--threads');
  if (!(DELEGATES as readonly string[]).includes(o.delegate)) throw bad(`--delegate must be one of ${DELEGATES.join(', ')}`, '--delegate');
  if (!Number.isInteger(o.retries) || o.retries < 0) throw bad('--retries must be an integer ≥ 0', '--retries');
  if (o.fps !== undefined && !(o.fps >= 0)) throw bad('--fps must be ≥ 0', '--fps');
  if (!Number.isInteger(o.vdevices) || o.vdevices < 1 || o.vdevices > 16) throw bad('--vdevices must be 1…16', '--vdevices');
  if (Array.isArray(o.devices) && o.devices.length === 0) throw bad('--devices names no device', '--devices');
  return o;
}

/** `K=V` label strings → object; throws BAD_ARGUMENT on a malformed one. */
export function parseLabels(specs: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const m = /^([A-Za-z0-9_.-]+)=(.*)$/.exec(s);
    if (!m) throw new RioError('BAD_ARGUMENT', `label "${s}" is not K=V`, { option: '--label' });
    out[m[1]!] = m[2]!;
  }
  return out;
}
