/**
 * A real Appium 3 server for tests and benchmarks: a child process on a free loopback port, with
 * APPIUM_HOME at the project (so it finds the rio driver) and the adb server port of the farm.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../src/devices/index.ts';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APPIUM_BIN = `${ROOT}node_modules/appium/index.js`;
/** Appium loads its drivers at start; on two shared cores that can take several seconds. */
const START_TIMEOUT_MS = 60_000;

export interface AppiumServer {
  port: number;
  /** everything Appium printed (for failure messages) */
  log(): string;
  stop(): Promise<void>;
}

/** Appium's cache of where its drivers are installed (regenerated from package.json when missing). */
const MANIFEST = `${ROOT}node_modules/.cache/appium/extensions.yaml`;

/**
 * A node_modules copied from another checkout keeps that checkout's manifest, whose absolute
 * installPath makes Appium load the other checkout's rio driver: drop it so Appium finds this one.
 */
export function forgetForeignDriverManifest(): void {
  if (!existsSync(MANIFEST)) return;
  const installPaths = [...readFileSync(MANIFEST, 'utf8').matchAll(/installPath:\s*(\S+)/g)].map((m) => m[1]!);
  if (installPaths.some((p) => !p.startsWith(ROOT))) rmSync(MANIFEST);
}

/** Starts Appium; `extraArgs` e.g. ['--allow-insecure', 'rio:adb_shell']. */
export async function startAppium(env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<AppiumServer> {
  forgetForeignDriverManifest();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath,
    [APPIUM_BIN, 'server', '--address', '127.0.0.1', '--port', String(port), '--log-no-colors', ...extraArgs],
    { env: { ...process.env, ...env, APPIUM_HOME: ROOT, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Appium did not start in ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = () => {
      if (output.includes('Appium REST http interface listener started')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Appium exited (${code}) before starting:\n${output}`)); });
  });
  child.removeAllListeners('exit');
  return {
    port,
    log: () => output,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
