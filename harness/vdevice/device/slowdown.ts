/**
 * A vdevice's slowdown profile (`rio-farm vdevice start --slowdown 1.10`): the device's app twin
 * spends that factor of its model stages' cost (inference and quarter turn), in CPU on the thread running them, as a slower SoC would —
 * how "this device got 10 % slower" is injected for real. Never hidden: the device says so in
 * `ro.rio.slowdown` and in its build fingerprint, so its measurements are another environment.
 */
import { RioError } from '../../src/errors.ts';
import type { DeviceProfile } from './profile.ts';

/** A slowdown beyond this is not "a slower phone" but a different device class. */
export const MAX_SLOWDOWN = 10;

/** Checks a `--slowdown` value: a number from 1 (none) to MAX_SLOWDOWN. Throws BAD_ARGUMENT naming `field`. */
export function parseSlowdown(text: string | number, field = '--slowdown'): number {
  const f = typeof text === 'number' ? text : Number(String(text).trim());
  if (!Number.isFinite(f) || f < 1 || f > MAX_SLOWDOWN) {
    throw new RioError('BAD_ARGUMENT', `${field} must be a factor from 1 to ${MAX_SLOWDOWN} (e.g. 1.10 for 10 % slower), not ${JSON.stringify(String(text).slice(0, 40))}`, { field });
  }
  return f;
}

/** The profile with the slowdown applied (1: the profile unchanged). */
export function withSlowdown(p: DeviceProfile, factor: number | undefined): DeviceProfile {
  if (factor === undefined || factor === 1) return p;
  return { ...p, slowdown: parseSlowdown(factor) };
}

/** The slowdown's label in props: `1.10`. */
export const slowdownLabel = (factor: number): string => factor.toFixed(2);

/**
 * A build fingerprint naming the slowdown in its incremental (`…/RIO.34/1.slowdown-1.10:user/release-keys`),
 * so the store records a fingerprint change and series mark it.
 */
export function slowedFingerprint(fingerprint: string, factor: number): string {
  const tag = `slowdown-${slowdownLabel(factor)}`;
  const m = /^(.*\/)([^/:]*):([^/]*\/[^/]*)$/.exec(fingerprint);
  return m ? `${m[1]}${m[2]}.${tag}:${m[3]}` : `${fingerprint}.${tag}`;
}
