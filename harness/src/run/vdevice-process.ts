/**
 * Child process hosting one vdevice for `rio-farm run` when no device is attached. A separate
 * process keeps the device's work (the app twin's inference) off the harness's event loop and out
 * of its CPU time. Prints {"serial","port"} once listening; stops when stdin closes (the harness
 * exited, even by kill -9) or on SIGTERM.
 * argv: [profile] [faults JSON]
 */
import { startVirtualDevice, parseFault } from '../../vdevice/index.ts';

const profile = process.argv[2] || undefined;
const faults = (JSON.parse(process.argv[3] ?? '[]') as string[]).map(parseFault);
const vd = await startVirtualDevice({ profile, faults });
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
