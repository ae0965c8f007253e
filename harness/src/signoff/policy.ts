/**
 * The sign-off policy: a versioned YAML file (default scenarios/policies/signoff.yaml) saying how
 * much to measure and where each gate's margin lies. Validated field by field — an error names the
 * field (exit 3) — and hashed, so a report says exactly which rules it was judged by.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { RioError } from '../errors.ts';

export const POLICY_VERSION = 1;
export const DEFAULT_POLICY_PATH = fileURLToPath(new URL('../../../scenarios/policies/signoff.yaml', import.meta.url));
export const QUICK_POLICY_PATH = fileURLToPath(new URL('../../../scenarios/policies/signoff-quick.yaml', import.meta.url));

export interface SignoffPolicy {
  version: number;
  name: string;
  suite: string;
  block: { frames: number; warmup: number };
  minimums: { frames: number; seconds: number; units: number };
  budget: { max_units: number };
  throttle: { cooldown_s: number; max_retries: number };
  statistics: { confidence: number; bootstrap_iterations: number; seed: number };
  gates: {
    latency: { quantile: number; max_ratio: number };
    iou: { min_delta: number };
    detection_rate: { min_delta: number };
    false_detection_rate: { max_delta: number };
    crop_success: { min_delta: number; crop_iou: number };
    model_size: { max_ratio: number };
    parity: { max_abs: number };
  };
}

export interface LoadedPolicy { policy: SignoffPolicy; sha256: string; text: string; path: string }

/** Reads, parses and validates a policy file; its hash is of the exact bytes. */
export function loadPolicy(path: string = DEFAULT_POLICY_PATH): LoadedPolicy {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    throw new RioError('BAD_CONFIG', `cannot read policy: ${(err as Error).message}`, { file: path });
  }
  return { policy: parsePolicy(text, path), sha256: createHash('sha256').update(text).digest('hex'), text, path };
}

/** Parses and validates policy YAML text; throws BAD_CONFIG naming the field. */
export function parsePolicy(text: string, file = 'policy'): SignoffPolicy {
  let raw: unknown;
  try { raw = parse(text); } catch (err) {
    throw new RioError('BAD_CONFIG', `policy is not YAML: ${(err as Error).message}`, { file });
  }
  return validatePolicy(raw, file);
}

type Check = (v: unknown, field: string) => number;
const num = (lo: number, hi: number, integer = false): Check => (v, field) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    throw new RioError('BAD_CONFIG', `${field} must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}, got ${JSON.stringify(v)}`, { field });
  }
  return v;
};

/** The shape of a policy: every field with its check (unknown fields are refused, so a typo cannot silently fall back). */
const SHAPE = {
  block: { frames: num(1, 100_000, true), warmup: num(0, 1000, true) },
  minimums: { frames: num(1, 10_000_000, true), seconds: num(0, 86_400), units: num(2, 10_000, true) },
  budget: { max_units: num(1, 10_000, true) },
  throttle: { cooldown_s: num(0, 3600), max_retries: num(0, 10, true) },
  statistics: { confidence: num(0.5, 0.9999), bootstrap_iterations: num(100, 1_000_000, true), seed: num(0, 2 ** 32 - 1, true) },
  gates: {
    latency: { quantile: num(0.01, 0.99), max_ratio: num(1, 10) },
    iou: { min_delta: num(-1, 0) },
    detection_rate: { min_delta: num(-1, 0) },
    false_detection_rate: { max_delta: num(0, 1) },
    crop_success: { min_delta: num(-1, 0), crop_iou: num(0.01, 1) },
    model_size: { max_ratio: num(0.01, 100) },
    parity: { max_abs: num(0, 1e6) },
  },
} as const;

/** Minimum ABBA units when a policy does not say: fewer block pairs give no usable bootstrap. */
export const DEFAULT_MIN_UNITS = 3;

export function validatePolicy(raw: unknown, file = 'policy'): SignoffPolicy {
  const obj = (v: unknown, field: string) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new RioError('BAD_CONFIG', `${field} must be a mapping`, { file, field });
    return v as Record<string, unknown>;
  };
  const walk = (shape: Record<string, unknown>, v: unknown, path: string): Record<string, unknown> => {
    if (v === undefined) throw new RioError('BAD_CONFIG', `policy field ${path} is missing`, { file, field: path });
    const o = obj(v, path);
    for (const k of Object.keys(o)) if (!(k in shape)) throw new RioError('BAD_CONFIG', `unknown policy field ${path}.${k}`, { file, field: `${path}.${k}` });
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(shape)) {
      const field = `${path}.${k}`;
      if (path === 'minimums' && k === 'units' && o[k] === undefined) { out[k] = DEFAULT_MIN_UNITS; continue; }
      if (o[k] === undefined) throw new RioError('BAD_CONFIG', `policy field ${field} is missing`, { file, field });
      try {
        out[k] = typeof check === 'function' ? (check as Check)(o[k], field) : walk(check as Record<string, unknown>, o[k], field);
      } catch (err) {
        if (err instanceof RioError && !err.where?.file) throw new RioError('BAD_CONFIG', err.message.replace(/ \(field=.*\)$/, ''), { file, field });
        throw err;
      }
    }
    return out;
  };
  const top = obj(raw, 'policy');
  const known = ['version', 'name', 'suite', ...Object.keys(SHAPE)];
  for (const k of Object.keys(top)) if (!known.includes(k)) throw new RioError('BAD_CONFIG', `unknown policy field ${k}`, { file, field: k });
  if (top.version !== POLICY_VERSION) throw new RioError('BAD_CONFIG', `policy version must be ${POLICY_VERSION}, got ${JSON.stringify(top.version)}`, { file, field: 'version' });
  for (const f of ['name', 'suite'] as const) {
    if (typeof top[f] !== 'string' || !(top[f] as string).trim()) throw new RioError('BAD_CONFIG', `policy field ${f} must be a non-empty string`, { file, field: f });
  }
  const body = Object.fromEntries(Object.entries(SHAPE).map(([k, shape]) => [k, walk(shape as Record<string, unknown>, top[k], k)]));
  const p = { version: POLICY_VERSION, name: top.name as string, suite: top.suite as string, ...body } as unknown as SignoffPolicy;
  if (p.minimums.units > p.budget.max_units) {
    throw new RioError('BAD_CONFIG', `minimums.units (${p.minimums.units}) exceeds budget.max_units (${p.budget.max_units})`, { file, field: 'budget.max_units' });
  }
  return p;
}
