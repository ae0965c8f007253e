/**
 * What `rio-farm submit` and `POST /api/jobs` ask for, checked the same way in both: a suite, which
 * devices (`all`, `model=M[,M…]`, `serial=S[,S…]`), a repeat count and labels.
 */
import { randomBytes } from 'node:crypto';
import { RioError } from '../errors.ts';
import type { NewJob } from '../store/farm-jobs.ts';

export type DeviceSelector = { kind: 'all' } | { kind: 'model' | 'serial'; values: string[] };

export interface JobRequest { suite: string; devices: string; repeat: number; labels: Record<string, string>; scenarios?: string[] }

/** `all`, `model=A,B` or `serial=X,Y`; BAD_ARGUMENT naming --devices otherwise. */
export function parseDeviceSelector(spec: string): DeviceSelector {
  if (spec === 'all') return { kind: 'all' };
  const m = /^(model|serial)=(.+)$/.exec(spec);
  const values = m ? m[2]!.split(',').map((v) => v.trim()).filter(Boolean) : [];
  if (!m || values.length === 0) {
    throw new RioError('BAD_ARGUMENT', `--devices must be all, model=NAME[,NAME…] or serial=SERIAL[,SERIAL…], got ${JSON.stringify(spec)}`, { option: '--devices' });
  }
  return { kind: m[1] as 'model' | 'serial', values };
}

const jobId = (now: number) => `j${new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;

/**
 * One job per named serial or model; `all` means one per device the farm's hosts report now
 * (`registered`), so each phone runs the suite once.
 */
export function jobsFor(req: JobRequest, registered: readonly string[], now = Date.now()): NewJob[] {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(req.suite)) throw new RioError('BAD_ARGUMENT', `--suite must be a suite name, got ${JSON.stringify(req.suite)}`, { option: '--suite' });
  if (!Number.isInteger(req.repeat) || req.repeat < 1 || req.repeat > 1000) throw new RioError('BAD_ARGUMENT', '--repeat must be an integer from 1 to 1000', { option: '--repeat' });
  const sel = parseDeviceSelector(req.devices);
  const targets = sel.kind === 'all' ? [...new Set(registered)].sort().map((s) => ({ kind: 'serial' as const, value: s }))
    : sel.values.map((v) => ({ kind: sel.kind, value: v }));
  if (targets.length === 0) throw new RioError('BAD_ARGUMENT', '--devices all: no host reports any device yet (start `rio-farm agent` on a host first)', { option: '--devices' });
  const labels = JSON.stringify(req.labels);
  const scenarios = req.scenarios?.length ? JSON.stringify(req.scenarios) : null;
  return targets.map((t) => ({ id: jobId(now), suite: req.suite, target_kind: t.kind, target: t.value, repeat_count: req.repeat, labels_json: labels,
    scenarios_json: scenarios }));
}
