/**
 * Opens a device service through the adb server's host protocol, the way every adb client does:
 * `host:transport:SERIAL`, then the service; each request is [4 hex digits length][text] and is
 * answered OKAY or FAIL. The socket is then the raw stream to the device, so a test can send what
 * the adb CLI never would (an oversize shell-protocol frame, a LST2 request).
 */
import { connect, type Socket } from 'node:net';

async function request(socket: Socket, text: string, pending: Buffer[]): Promise<void> {
  socket.write(Buffer.from(text.length.toString(16).padStart(4, '0') + text, 'latin1'));
  const status = await readExactly(socket, 4, pending);
  if (status.toString('latin1') === 'OKAY') return;
  const len = parseInt((await readExactly(socket, 4, pending)).toString('latin1'), 16);
  throw new Error(`adb server refused ${text}: ${(await readExactly(socket, len, pending)).toString('utf8')}`);
}

/** Reads n bytes (bytes read past them stay in `pending`); rejects if the socket closes first. */
export function readExactly(socket: Socket, n: number, pending: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const have = Buffer.concat(pending);
      if (have.length < n) return false;
      pending.length = 0;
      if (have.length > n) pending.push(have.subarray(n));
      cleanup();
      resolve(have.subarray(0, n));
      return true;
    };
    const onData = (c: Buffer) => { pending.push(c); check(); };
    const onEnd = () => { cleanup(); reject(new Error(`stream ended before ${n} bytes`)); };
    const cleanup = () => { socket.off('data', onData); socket.off('close', onEnd); socket.off('end', onEnd); };
    if (check()) return;
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.once('end', onEnd);
  });
}

export interface DeviceService { socket: Socket; pending: Buffer[]; closed: Promise<void> }

/** A raw stream to `service` on `serial` through the adb server on `adbPort`. */
export async function openDeviceService(adbPort: number, serial: string, service: string): Promise<DeviceService> {
  const socket = connect({ host: '127.0.0.1', port: adbPort });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const pending: Buffer[] = [];
  try {
    await request(socket, `host:transport:${serial}`, pending);
    await request(socket, service, pending);
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return { socket, pending, closed };
}
