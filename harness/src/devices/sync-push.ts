/**
 * `adb push FILE… DIR` as the adb CLI does it: one sync session, every file's SEND/DATA/DONE written
 * back to back, the device's OKAYs read as they come. adbkit's Sync waits for each file's OKAY
 * before the next SEND, which costs a round trip per file; on a batch of frames that round trip,
 * not the link, sets the speed.
 */
import { open } from 'node:fs/promises';
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
  for (const item of items) {
    const path = Buffer.from(`${item.to},${FILE_MODE}`, 'utf8');
    await write(Buffer.concat([header('SEND', path.length), path]));
    if (Buffer.isBuffer(item.from)) {
      for (let at = 0; at < item.from.length; at += SYNC_DATA_MAX) {
        const chunk = item.from.subarray(at, at + SYNC_DATA_MAX);
        await write(Buffer.concat([header('DATA', chunk.length), chunk]));
      }
    } else {
      const fh = await open(item.from, 'r');
      try {
        for (;;) {
          // header and payload in one buffer: one socket write (one adb packet) per chunk
          const buf = Buffer.allocUnsafe(8 + SYNC_DATA_MAX);
          const { bytesRead } = await fh.read(buf, 8, SYNC_DATA_MAX, null);
          if (bytesRead === 0) break;
          buf.write('DATA', 0, 'ascii');
          buf.writeUInt32LE(bytesRead, 4);
          await write(buf.subarray(0, 8 + bytesRead));
        }
      } finally { await fh.close(); }
    }
    await write(header('DONE', mtime));
  }
  await acks;
}
