/** Starting, probing and stopping an adb server on a given port. */
import { connect } from 'node:net';
import { runAdb, freePort } from './adb-cli.ts';
import { ADB_CLI_QUICK_TIMEOUT_MS } from './call-deadlines.js';
import { RioError } from '../errors.ts';

export const DEFAULT_ADB_PORT = 5037;

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Tries of a new free port for `ensureAdbServer(0)`. */
const FREE_PORT_TRIES = 3;

/**
 * `adb start-server` on `port` (no-op when one is up). Port 0 starts a new server on a free port,
 * which is how tests and `rio-farm run` get a server of their own. Returns the port. A free port is
 * free only when it is picked: another process (a vdevice, a parallel test) can bind it before adb
 * does, and adb then meets a stranger ("protocol fault") — so port 0 tries a new port, up to 3 times.
 */
export async function ensureAdbServer(port: number = DEFAULT_ADB_PORT, pickPort: () => Promise<number> = freePort): Promise<number> {
  if (port !== 0 && (await isListening(port))) return port;
  for (let attempt = 1; ; attempt++) {
    const p = port === 0 ? await pickPort() : port;
    const r = await runAdb(['start-server'], p);
    if (r.code === 0 && (await isListening(p))) return p;
    if (port !== 0 || attempt >= FREE_PORT_TRIES) {
      throw new RioError('ADB_ERROR', `adb server did not start on port ${p}: ${(r.stderr || r.stdout).trim()}`, { port: p });
    }
  }
}

/** `adb kill-server` for that port only. */
export async function killAdbServer(port: number): Promise<void> {
  if (await isListening(port)) await runAdb(['kill-server'], port);
}

/** `adb version` → { version: '1.0.41', build: '29.0.6-debian' }, or undefined when adb is missing. */
export async function adbVersion(): Promise<{ version: string; build: string; path: string } | undefined> {
  try {
    const r = await runAdb(['version'], DEFAULT_ADB_PORT, ADB_CLI_QUICK_TIMEOUT_MS);
    const version = /Android Debug Bridge version (\S+)/.exec(r.stdout)?.[1];
    if (!version) return undefined;
    return { version, build: /Version (\S+)/.exec(r.stdout)?.[1] ?? '', path: /Installed as (\S+)/.exec(r.stdout)?.[1] ?? '' };
  } catch {
    return undefined;
  }
}
