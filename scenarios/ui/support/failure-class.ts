/**
 * Tells infrastructure failures (device gone, adb down, Appium session lost, transport timeouts)
 * from product failures (an expectation about the app missed). Only the former are retried: a
 * product failure that passed on retry would hide a flaky app.
 */
import { DEVICE_MISSING_PATTERN } from '../../../harness/src/devices/adb-failure.js';

/** Messages that mean the farm, not the app, failed. Our driver prefixes adb transport errors with DEVICE_GONE. */
const INFRASTRUCTURE_PATTERNS = [
  /\bDEVICE_GONE\b/,
  /\bADB_ERROR\b/,
  /rio: TIMEOUT\b/,
  /invalid session id/i,
  /session (is|was) (either terminated|deleted|not started)/i,
  /\bECONNREFUSED\b|\bECONNRESET\b|\bEPIPE\b|socket hang up/i,
  // adb's own words for a device that is not there: the harness's one table
  DEVICE_MISSING_PATTERN,
  /Request failed with status 5\d\d due to unknown error: rio: DEVICE_GONE/,
];

/** True when `err` is an infrastructure failure worth another attempt. */
export function isInfrastructureFailure(err: unknown): boolean {
  if (err && typeof err === 'object' && 'failureClass' in err) return (err as { failureClass: string }).failureClass === 'infrastructure';
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return INFRASTRUCTURE_PATTERNS.some((p) => p.test(text));
}
