/**
 * Everything `rio-farm run` can be told, validated into one object (stored as the run's
 * options_json, so `--resume` continues with exactly the same settings).
 */
import { RioError } from '../errors.ts';
import { DEFAULT_BARS, parseBars, type QualityBars } from '../metrics/quality-bars.ts';
import { DEFAULT_HEALTH, type HealthThresholds } from '../health/preflight.ts';
import { DEFAULT_DB_URL } from '../store/index.ts';
import { RECONNECT_WAIT_MS } from './device-session.ts';
import { defaultVdeviceCount } from '../../vdevice/host-cores.ts';

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
  // three profiles by default, but never more twins than cores unless asked (vdevice/host-cores.ts)
  vdevices: defaultVdeviceCount(3), reconnectWaitMs: RECONNECT_WAIT_MS,
};

/**
 * The one validation of run options, for fresh ones from the command line and for the stored
 * options a `--resume` continues with (options_json is data, and data can be edited): every field
 * is checked and only known fields are kept. Throws BAD_ARGUMENT naming the option.
 */
export function validateRunOptions(o: RunOptions): RunOptions {
  const bad = (msg: string, option: string) => new RioError('BAD_ARGUMENT', msg, { option });
  const int = (v: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw bad(`${option} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${JSON.stringify(v)}`, option);
    return v as number;
  };
  const optInt = (v: unknown, option: string, min: number) => (v === undefined || v === null ? undefined : int(v, option, min));
  const str = (v: unknown, option: string) => {
    if (typeof v !== 'string' || v.length === 0) throw bad(`${option} must be a non-empty string`, option);
    return v;
  };
  const optStr = (v: unknown, option: string) => (v === undefined || v === null ? undefined : str(v, option));
  const strList = (v: unknown, option: string) => {
    if (!Array.isArray(v) || v.length === 0) throw bad(`${option} names nothing`, option);
    return v.map((x) => str(x, option));
  };
  const bool = (v: unknown, option: string) => {
    if (typeof v !== 'boolean') throw bad(`${option} must be true or false`, option);
    return v;
  };
  if (!o.suite) throw bad('--suite is required', '--suite');
  if (!(DELEGATES as readonly string[]).includes(o.delegate)) throw bad(`--delegate must be one of ${DELEGATES.join(', ')}`, '--delegate');
  if (o.fps !== undefined && o.fps !== null && !(typeof o.fps === 'number' && o.fps >= 0 && Number.isFinite(o.fps))) throw bad('--fps must be ≥ 0', '--fps');
  if (o.labels === null || typeof o.labels !== 'object' || Object.values(o.labels).some((v) => typeof v !== 'string')) throw bad('labels must be K=V strings', '--label');
  if (o.bars === null || typeof o.bars !== 'object') throw bad('bars must be K=V', '--bar');
  if (o.health === null || typeof o.health !== 'object') throw bad('health thresholds missing', '--cooldown-max');
  const health = Object.fromEntries(Object.keys(DEFAULT_HEALTH).map((k) => {
    const v = (o.health as unknown as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`health threshold ${k} must be a number ≥ 0`, k === 'cooldownMaxMs' ? '--cooldown-max' : '--health');
    return [k, v];
  })) as unknown as HealthThresholds;
  return {
    suite: str(o.suite, '--suite'),
    devices: o.devices === 'all' ? 'all' : strList(o.devices, '--devices'),
    apk: optStr(o.apk, '--apk'), model: optStr(o.model, '--model'),
    repeat: int(o.repeat, '--repeat', 1), threads: int(o.threads, '--threads', 1, 64), delegate: o.delegate,
    warmup: int(o.warmup, '--warmup', 0), fps: o.fps ?? undefined, shard: bool(o.shard, '--shard'),
    out: optStr(o.out, '--out'), db: str(o.db, '--db'),
    // Labels and bars go back through the same parsers the command line uses.
    labels: parseLabels(Object.entries(o.labels).map(([k, v]) => `${k}=${v}`)),
    bars: parseBars(Object.entries(o.bars).map(([k, v]) => `${k}=${v ?? 'none'}`)),
    retries: int(o.retries, '--retries', 0, 20), scenarioTimeoutMs: optInt(o.scenarioTimeoutMs, '--scenario-timeout', 1),
    stallMs: int(o.stallMs, '--stall-timeout', 1), saveCrops: bool(o.saveCrops, '--no-crops'),
    includeThermal: bool(o.includeThermal, '--include-thermal'), health,
    vdevices: int(o.vdevices, '--vdevices', 1, 16),
    vdeviceProfiles: o.vdeviceProfiles === undefined ? undefined : strList(o.vdeviceProfiles, '--vdevice-profile'),
    vdeviceHome: optStr(o.vdeviceHome, '--vdevice-home'),
    upload: o.upload === undefined ? undefined : uploadUrl(o.upload),
    scenarios: o.scenarios === undefined ? undefined : strList(o.scenarios, '--scenario'),
    reconnectWaitMs: int(o.reconnectWaitMs, 'reconnectWaitMs', 0),
  };
}

/** An http(s) server address for --upload. */
function uploadUrl(v: unknown): string {
  let u: URL | undefined;
  try { u = new URL(String(v)); } catch { /* reported below */ }
  if (typeof v !== 'string' || !u || !['http:', 'https:'].includes(u.protocol)) {
    throw new RioError('BAD_ARGUMENT', `--upload needs an http(s) URL, got ${JSON.stringify(v)}`, { option: '--upload' });
  }
  return v;
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
