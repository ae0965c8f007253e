/**
 * `tcp:PORT` (what `adb forward tcp:X tcp:PORT` opens): a byte pipe to a socket on the device.
 * A port an app registered on the device (DeviceCore.ports) wins; otherwise the vdevice, which
 * shares the host's network, connects to 127.0.0.1:PORT as the phone would connect to its own
 * localhost. A refused connection closes the stream, as adbd does.
 */
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import type { AdbStream } from '../transport/stream.ts';
import type { DeviceCore } from '../device/core.ts';

export function startTcp(device: DeviceCore, stream: AdbStream, port: number): boolean {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return false;
  const handler = device.ports.get(port);
  if (handler) {
    let pending: (() => void) | undefined;
    const duplex = new Duplex({
      read() { pending?.(); pending = undefined; },
      write(chunk: Buffer, _enc, cb) { void stream.write(chunk).then(() => cb()); },
      final(cb) { stream.end(); cb(); },
    });
    stream.onData((d) => {
      if (!duplex.push(d)) return new Promise<void>((r) => { pending = r; });
    });
    stream.signal.addEventListener('abort', () => duplex.push(null), { once: true });
    handler(duplex);
    return true;
  }
  const socket = connect({ host: '127.0.0.1', port });
  const queued: Buffer[] = [];
  let connected = false;
  socket.on('connect', () => { connected = true; for (const q of queued.splice(0)) socket.write(q); });
  socket.on('data', (d) => {
    socket.pause();
    void stream.write(d).then(() => socket.resume());
  });
  socket.on('error', () => stream.end());
  socket.on('close', () => stream.end());
  stream.onData((d) => {
    if (!connected) { queued.push(d); return; }
    if (!socket.write(d)) return new Promise<void>((r) => socket.once('drain', () => r()));
  });
  stream.signal.addEventListener('abort', () => socket.destroy(), { once: true });
  return true;
}
