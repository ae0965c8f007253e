/**
 * `sync:` — file transfer. Requests are [id 4 bytes][u32 LE length][payload]:
 * STAT (16-byte reply), STA2/LST2 (72), LIST (DENT… + 20-byte DONE), LIS2 (76-byte DNT2… + 76-byte
 * DONE), RECV (DATA chunks ≤ 64 KiB + DONE, or FAIL), SEND `path,mode` + DATA… + DONE mtime
 * (OKAY or FAIL; parent folders are created), QUIT.
 */
import { openSync, writeSync, closeSync, utimesSync, rmSync, type Stats } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import { posix } from 'node:path';
import type { AdbStream } from '../transport/stream.ts';
import type { DeviceCore } from '../device/core.ts';
import { ByteReader } from './byte-reader.ts';
import { DeviceFsError, errnoText } from '../fs/device-fs.ts';

const MAX_PATH = 1024;
const MAX_DATA = 64 * 1024;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const ERRNO: Record<string, number> = { ENOENT: 2, EACCES: 13, ENOTDIR: 20, EINVAL: 22 };

function id(name: string): Buffer {
  return Buffer.from(name, 'latin1');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function fail(message: string): Buffer {
  const m = Buffer.from(message);
  return Buffer.concat([id('FAIL'), u32(m.length), m]);
}

function modeOf(st: Stats): number {
  return (st.isDirectory() ? S_IFDIR : S_IFREG) | (st.mode & 0o777);
}

/** The 68 bytes after id and error shared by STA2 and DNT2. */
function stat2Body(st: Stats | undefined): Buffer {
  const b = Buffer.alloc(64);
  if (!st) return b;
  b.writeBigUInt64LE(BigInt(st.dev), 0);
  b.writeBigUInt64LE(BigInt(st.ino), 8);
  b.writeUInt32LE(modeOf(st), 16);
  b.writeUInt32LE(st.nlink, 20);
  b.writeUInt32LE(2000, 24);
  b.writeUInt32LE(2000, 28);
  b.writeBigUInt64LE(BigInt(st.size), 32);
  b.writeBigInt64LE(BigInt(Math.floor(st.atimeMs / 1000)), 40);
  b.writeBigInt64LE(BigInt(Math.floor(st.mtimeMs / 1000)), 48);
  b.writeBigInt64LE(BigInt(Math.floor(st.ctimeMs / 1000)), 56);
  return b;
}

export function startSync(device: DeviceCore, stream: AdbStream): void {
  const reader = new ByteReader(stream);
  void serve(device, stream, reader).catch(() => {}).finally(() => stream.end());
}

async function serve(device: DeviceCore, stream: AdbStream, reader: ByteReader): Promise<void> {
  for (;;) {
    const head = await reader.read(8);
    if (!head) return;
    const req = head.toString('latin1', 0, 4);
    const len = head.readUInt32LE(4);
    if (req === 'QUIT') return;
    if (len > MAX_PATH) {
      await stream.write(fail(`path too long: ${len}`));
      return;
    }
    const arg = await reader.read(len);
    if (!arg) return;
    const path = arg.toString('utf8');
    switch (req) {
      case 'STAT': await stream.write(statV1(device, path)); break;
      // adbd answers with the id it was asked with: @yume-chan/adb checks it (LST2 ≠ STA2)
      case 'STA2': case 'LST2': await stream.write(statV2(device, path, req)); break;
      case 'LIST': case 'LIS2': await list(device, stream, path, req === 'LIS2'); break;
      case 'RECV': await recv(device, stream, path); break;
      case 'SEND': if (!(await send(device, stream, reader, path))) return; break;
      default:
        await stream.write(fail(`unknown sync request ${JSON.stringify(req)}`));
        return;
    }
  }
}

function lookup(device: DeviceCore, path: string): { st?: Stats; errno: number } {
  try {
    const st = device.fs.stat(path);
    return st ? { st, errno: 0 } : { errno: ERRNO.ENOENT };
  } catch (err) {
    return { errno: ERRNO[(err as DeviceFsError).code] ?? ERRNO.EACCES };
  }
}

function statV1(device: DeviceCore, path: string): Buffer {
  const { st } = lookup(device, path);
  const b = Buffer.alloc(16);
  id('STAT').copy(b);
  if (st) {
    b.writeUInt32LE(modeOf(st), 4);
    b.writeUInt32LE(Math.min(st.size, 0xffffffff), 8);
    b.writeUInt32LE(Math.floor(st.mtimeMs / 1000), 12);
  }
  return b;
}

function statV2(device: DeviceCore, path: string, req: 'STA2' | 'LST2'): Buffer {
  const { st, errno } = lookup(device, path);
  return Buffer.concat([id(req), u32(errno), stat2Body(st)]);
}

async function list(device: DeviceCore, stream: AdbStream, path: string, v2: boolean): Promise<void> {
  let names: string[] = [];
  try {
    names = device.fs.list(path);
  } catch {
    // an unreadable or missing folder lists as empty, as adbd does
  }
  const real = new Set(names);
  if (device.firmware) names = device.firmware.listing(path, names);
  // a name the firmware made up is shown with the stat of a real file beside it
  const lieStat = () => names.filter((n) => real.has(n)).map((n) => lookup(device, posix.join(device.fs.normalize(path), n)).st).find((s) => s?.isFile());
  // One write for the whole listing: every separate WRTE would wait for the host's OKAY.
  const entries: Buffer[] = [];
  for (const name of ['.', '..', ...names]) {
    const st = name === '..' ? undefined : !real.has(name) && name !== '.' ? lieStat()
      : lookup(device, name === '.' ? path : posix.join(device.fs.normalize(path), name)).st;
    if (!st && name !== '..') continue;
    const n = Buffer.from(name);
    if (v2) {
      const body = st ? stat2Body(st) : stat2Body(lookup(device, path).st);
      entries.push(Buffer.concat([id('DNT2'), u32(0), body, u32(n.length), n]));
    } else {
      const s = st ?? lookup(device, path).st!;
      const b = Buffer.alloc(20);
      id('DENT').copy(b);
      b.writeUInt32LE(modeOf(s), 4);
      b.writeUInt32LE(Math.min(s.size, 0xffffffff), 8);
      b.writeUInt32LE(Math.floor(s.mtimeMs / 1000), 12);
      b.writeUInt32LE(n.length, 16);
      entries.push(b, n);
    }
  }
  const done = Buffer.alloc(v2 ? 76 : 20);
  id('DONE').copy(done);
  entries.push(done);
  await stream.write(Buffer.concat(entries));
}

async function recv(device: DeviceCore, stream: AdbStream, path: string): Promise<void> {
  if (device.firmware?.isEndless(path)) {
    const head = Buffer.concat([id('DATA'), u32(64 * 1024)]);
    return device.firmware.streamForever((b) => stream.write(Buffer.concat([head, b])), stream.signal);
  }
  let host: string;
  try {
    const st = device.fs.stat(path);
    if (!st) throw new DeviceFsError('ENOENT', 'No such file or directory');
    if (st.isDirectory()) throw new DeviceFsError('EISDIR', 'Is a directory');
    host = device.fs.hostPath(path);
  } catch (err) {
    await stream.write(fail(`open failed: ${errnoText(err)}`));
    return;
  }
  const fh = await openAsync(host, 'r');
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(8 + MAX_DATA);
      const { bytesRead } = await fh.read(chunk, 8, MAX_DATA, null);
      if (bytesRead === 0) break;
      chunk.write('DATA', 0, 'latin1');
      chunk.writeUInt32LE(bytesRead, 4);
      if (bytesRead < MAX_DATA) {
        // a short read is the end of the file: DONE rides in the same WRTE (one round trip less)
        await stream.write(Buffer.concat([chunk.subarray(0, 8 + bytesRead), id('DONE'), u32(0)]));
        return;
      }
      await stream.write(chunk.subarray(0, 8 + bytesRead));
      if (stream.isClosed) return;
    }
  } finally {
    await fh.close();
  }
  await stream.write(Buffer.concat([id('DONE'), u32(0)]));
}

/** Returns false when the stream must end (protocol error). */
async function send(device: DeviceCore, stream: AdbStream, reader: ByteReader, spec: string): Promise<boolean> {
  const comma = spec.lastIndexOf(',');
  const path = comma >= 0 ? spec.slice(0, comma) : spec;
  let fd: number | undefined;
  let error: string | undefined;
  let written = 0;
  let norm = '';
  try {
    norm = device.fs.normalize(path);
    const old = device.fs.stat(norm);
    if (old?.isDirectory()) throw new DeviceFsError('EISDIR', 'Is a directory');
    device.fs.mkdirp(posix.dirname(norm));
    if (old) device.fs.reserve(-old.size);
    fd = openSync(device.fs.hostPath(norm), 'w');
  } catch (err) {
    error = `couldn't create file: ${errnoText(err)}`;
  }
  for (;;) {
    const head = await reader.read(8);
    if (!head) break;
    const kind = head.toString('latin1', 0, 4);
    const n = head.readUInt32LE(4);
    if (kind === 'DATA') {
      if (n > MAX_DATA) { error ??= 'data chunk too large'; await stream.write(fail(error)); return false; }
      const data = await reader.read(n);
      if (!data) break;
      if (fd === undefined || error) continue;
      try {
        device.fs.reserve(data.length);
        writeSync(fd, data);
        written += data.length;
      } catch (err) {
        error = `write failed: ${errnoText(err)}`;
      }
    } else if (kind === 'DONE') {
      if (fd !== undefined) closeSync(fd);
      if (error) {
        if (fd !== undefined) { rmSync(device.fs.hostPath(norm), { force: true }); device.fs.reserve(-written); }
        await stream.write(fail(error));
      } else {
        if (n > 0) utimesSync(device.fs.hostPath(norm), n, n);
        device.emit('push', { path: norm, bytes: written });
        await stream.write(Buffer.concat([id('OKAY'), u32(0)]));
      }
      return true;
    } else {
      if (fd !== undefined) closeSync(fd);
      await stream.write(fail(`unexpected sync packet ${JSON.stringify(kind)}`));
      return false;
    }
  }
  if (fd !== undefined) closeSync(fd);
  return false;
}
