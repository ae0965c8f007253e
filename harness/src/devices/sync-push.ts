/**
 * `adb push FILE… DIR` as the adb CLI does it: one sync session, every file's SEND/DATA/DONE written
 * back to back, the device's OKAYs read as they come. adbkit's Sync waits for each file's OKAY
 * before the next SEND, which costs a round trip per file; on a batch of frames that round trip,
 * not the link, sets the speed.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import type { Socket } from 'node:net';

/** What one push names: a host file or bytes, and the device path (parents are created by the device). */
export interface PushItem { from: string | Buffer; to: string }

/** adbkit's Sync, as far as this file uses it: the raw socket to write and the parser to read replies. */
export interface RawSync {
  connection: { getSocket(): Socket };
  parser: { readAscii(n: number): PromiseLike<string>; readBytes(n: number): PromiseLike<Buffer> };
}

/** The sync protocol's largest DATA payload. */
const SYNC_DATA_MAX = 64 * 1024;
/** A DATA packet: its 8-byte header, then the payload. */
const PACKET = 8 + SYNC_DATA_MAX;
/** Packets filled by one file read at most (1 MiB of payload). */
const CHUNKS_PER_READ = 16;
/** Regular file, rw-r--r-- (what `adb push` sends for a host file without exec bits). */
const FILE_MODE = 0o100644;

function header(id: string, n: number): Buffer {
  const b = Buffer.alloc(8);
  b.write(id, 0, 'ascii');
  b.writeUInt32LE(n, 4);
  return b;
}

/**
 * Pushes `items` in order over `sync`; resolves when the device acknowledged all of them, rejects
 * with the device's FAIL message (naming the file) or a socket error. `onFile` hears each OKAY.
 */
export async function pipelinedPush(sync: RawSync, items: readonly PushItem[], onFile?: (index: number) => void): Promise<void> {
  const socket = sync.connection.getSocket();
  let failed: Error | undefined;
  const acks = (async () => {
    for (let i = 0; i < items.length; i++) {
      const reply = await sync.parser.readAscii(4);
      const len = (await sync.parser.readBytes(4)).readUInt32LE(0);
      if (reply === 'OKAY') { onFile?.(i); continue; }
      const message = reply === 'FAIL' ? (await sync.parser.readBytes(len)).toString('utf8') : `unexpected sync reply ${JSON.stringify(reply)}`;
      throw new Error(`push ${items[i]!.to}: ${message}`);
    }
  })();
  acks.catch((err: Error) => { failed = err; });
  const write = async (b: Buffer) => {
    if (failed) throw failed;
    if (!socket.write(b)) await Promise.race([once(socket, 'drain'), acks]);
  };
  const mtime = Math.floor(Date.now() / 1000);
  // The next file is opened and its first block read while this one is written: on a batch of
  // frames the per-file open and read round trips, not the link, set the speed.
  const ahead = new Map<number, Promise<FileBlocks>>();
  const fileAt = (i: number) => {
    const from = items[i]?.from;
    if (typeof from !== 'string') return undefined;
    let f = ahead.get(i);
    if (!f) { f = FileBlocks.open(from); ahead.set(i, f); f.catch(() => undefined); }
    return f;
  };
  try {
    for (const [i, item] of items.entries()) {
      const path = Buffer.from(`${item.to},${FILE_MODE}`, 'utf8');
      await write(Buffer.concat([header('SEND', path.length), path]));
      if (Buffer.isBuffer(item.from)) {
        for (let at = 0; at < item.from.length; at += SYNC_DATA_MAX) {
          const chunk = item.from.subarray(at, at + SYNC_DATA_MAX);
          await write(Buffer.concat([header('DATA', chunk.length), chunk]));
        }
      } else {
        const file = await fileAt(i)!;
        ahead.delete(i);
        try {
          fileAt(i + 1);
          // read the next block while this one is written
          for (let packets = file.first; packets;) {
            const next = file.next();
            next.catch(() => undefined); // a failed write ends the loop first; the read's own error is then moot
            await write(packets);
            packets = await next;
          }
        } finally { await file.close(); }
      }
      await write(header('DONE', mtime));
    }
  } finally {
    for (const f of ahead.values()) void f.then((x) => x.close(), () => undefined);
  }
  await acks;
}

/**
 * A host file read as DATA packets, a block of up to CHUNKS_PER_READ at a time: one readv scatters
 * the payloads right after the room left for each header, so a block is one socket write (a 64 KiB
 * read per packet made the thread-pool round trip set the speed: bench:adb, 0.8 of the adb CLI on a
 * 50 MB file). Blocks are sized from the file's length, so a frame is one read and no read finds the
 * end. A fresh block each read: the socket holds written packets until they are flushed.
 */
class FileBlocks {
  /** the first block, read when the file is opened (the push ahead of it is still writing) */
  first: Buffer | null = null;
  private constructor(private readonly fh: FileHandle, private left: number) {}

  static async open(path: string): Promise<FileBlocks> {
    const fh = await open(path, 'r');
    try {
      const f = new FileBlocks(fh, (await fh.stat()).size);
      f.first = await f.next();
      return f;
    } catch (err) { await fh.close(); throw err; }
  }

  /** The next block of packets, or null at the end of the file. */
  async next(): Promise<Buffer | null> {
    const want = Math.min(this.left, SYNC_DATA_MAX * CHUNKS_PER_READ);
    if (want <= 0) return null;
    const chunks = Math.ceil(want / SYNC_DATA_MAX);
    const block = Buffer.allocUnsafe(chunks * PACKET);
    const payloads = Array.from({ length: chunks }, (_, k) => block.subarray(k * PACKET + 8, k * PACKET + 8 + Math.min(SYNC_DATA_MAX, want - k * SYNC_DATA_MAX)));
    const { bytesRead } = await this.fh.readv(payloads);
    if (bytesRead === 0) { this.left = 0; return null; } // the file shrank since its stat
    this.left -= bytesRead;
    let k = 0;
    for (let rest = bytesRead; rest > 0; k++, rest -= SYNC_DATA_MAX) {
      block.write('DATA', k * PACKET, 'ascii');
      block.writeUInt32LE(Math.min(rest, SYNC_DATA_MAX), k * PACKET + 4);
    }
    return block.subarray(0, (k - 1) * PACKET + 8 + (bytesRead - (k - 1) * SYNC_DATA_MAX)); // the last packet cut to its payload
  }

  close(): Promise<void> { return this.fh.close(); }
}
