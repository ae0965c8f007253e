/**
 * Fault injection: what can go wrong with a phone, on purpose. A vdevice takes a list of these at
 * start (or through `rio-farm vdevice start --fault …`); each is documented in ../README.md.
 */
import { RioError } from '../../src/errors.ts';

/** Moments a fault can be tied to. */
export type DeviceEventName = 'install' | 'am-start' | 'push' | 'frame';

export type Fault =
  /** drop every connection and refuse new ones, after N s or at an event, for downSec (default: until restart) */
  | { kind: 'disconnect'; afterSec?: number; atEvent?: DeviceEventName; frame?: number; downSec?: number }
  /** stop answering (packets are held, not lost) for forSec, after N s or at an event */
  | { kind: 'stall'; afterSec?: number; atEvent?: DeviceEventName; frame?: number; forSec: number }
  /** the app process dies at frame K (FATAL EXCEPTION in logcat); once: only the first time */
  | { kind: 'crash'; frame: number; package?: string; once?: boolean }
  /** every write fails with ENOSPC (immediately, or after N s) */
  | { kind: 'storage-full'; afterSec?: number }
  /** the device heats fast under load: heatPerBusySecond °C per second of app work, from startC */
  | { kind: 'thermal'; heatPerBusySecond: number; startC?: number }
  /** added latency on every packet the device sends */
  | { kind: 'slow-link'; latencyMs: number };

/** Parses the CLI form: `crash:frame=5`, `disconnect:after=10,down=5`, `slow-link:latency=20`, `storage-full`. */
export function parseFault(text: string): Fault {
  const [kind, rest = ''] = text.split(':', 2);
  const o: Record<string, string> = {};
  for (const kv of rest.split(',').filter(Boolean)) {
    const [k, v = ''] = kv.split('=', 2);
    o[k] = v;
  }
  const num = (k: string): number | undefined => {
    if (o[k] === undefined) return undefined;
    const n = Number(o[k]);
    if (!Number.isFinite(n) || n < 0) throw new RioError('BAD_ARGUMENT', `fault ${kind}: ${k} must be a number ≥ 0`, { field: 'fault' });
    return n;
  };
  const event = o.at as DeviceEventName | undefined;
  if (event && !['install', 'am-start', 'push', 'frame'].includes(event)) {
    throw new RioError('BAD_ARGUMENT', `fault ${kind}: unknown event "${event}"`, { field: 'fault' });
  }
  switch (kind) {
    case 'disconnect': return { kind, afterSec: num('after'), atEvent: event, frame: num('frame'), downSec: num('down') };
    case 'stall': return { kind, afterSec: num('after'), atEvent: event, frame: num('frame'), forSec: num('for') ?? 10 };
    case 'crash': return { kind, frame: num('frame') ?? 0, package: o.package, once: o.once === 'true' || o.once === '1' };
    case 'storage-full': return { kind, afterSec: num('after') };
    case 'thermal': return { kind, heatPerBusySecond: num('heat') ?? 1, startC: num('start') };
    case 'slow-link': return { kind, latencyMs: num('latency') ?? 20 };
    default: throw new RioError('BAD_ARGUMENT', `unknown fault "${kind}" (disconnect, stall, crash, storage-full, thermal, slow-link)`, { field: 'fault' });
  }
}
