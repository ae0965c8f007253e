/**
 * Child process hosting one vdevice for `rio-farm run` when no device is attached. A separate
 * process keeps the device's work (the app twin's inference) off the harness's event loop and out
 * of its CPU time. Prints {"serial","port"} once listening; stops when stdin closes (the harness
 * exited, even by kill -9) or on SIGTERM.
 * argv: [profile] [faults JSON] [port, 0 = any] [data dir, '' = temporary] [slowdown factor, 1 = none]
 */
import { startVirtualDevice, parseFault, parseSlowdown, type VirtualDevice } from '../../vdevice/index.ts';
import { RioError } from '../errors.ts';

const profile = process.argv[2] || undefined;
const faults = (JSON.parse(process.argv[3] ?? '[]') as string[]).map(parseFault);
const port = Number(process.argv[4] ?? 0);
const dataDir = process.argv[5] || undefined;
const slowdown = parseSlowdown(process.argv[6] || '1');
let vd: VirtualDevice;
try {
  vd = await startVirtualDevice({ profile, faults, port, dataDir, slowdown });
} catch (err) {
  // the remembered port is taken (another farm on this host): any free port, a new serial
  if (!(err instanceof RioError) || port === 0) throw err;
  vd = await startVirtualDevice({ profile, faults, port: 0, dataDir, slowdown });
}
process.stdout.write(JSON.stringify({ serial: vd.serial, port: vd.port }) + '\n');
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  vd.stop().finally(() => process.exit(0));
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
