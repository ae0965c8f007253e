/**
 * Runs the real `adb` CLI against one adb server (always an explicit port: the user's default
 * server on 5037 is only ever touched when they asked for 5037).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { RioError } from '../errors.ts';
import { ADB_CLI_TIMEOUT_MS } from './call-deadlines.js';

export interface AdbResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** `adb -P PORT …`. Resolves on exit (not on pipe close: `start-server` leaves a daemon behind). */
export function runAdb(args: string[], port: number, timeoutMs = ADB_CLI_TIMEOUT_MS): Promise<AdbResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('adb', ['-P', String(port), ...args], {
      env: { ...process.env, ANDROID_ADB_SERVER_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new RioError('ADB_ERROR', `cannot run adb: ${e.message} (install it: apt-get install adb)`, { command: args.join(' ') }));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // give the pipes a moment to flush what the CLI wrote before exiting
      setImmediate(() => resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? (signal ? 128 : 1),
      }));
    });
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
