/**
 * The adb transport message: a 24-byte little-endian header (command, arg0, arg1, payload length,
 * payload byte-sum, magic = command ^ 0xffffffff) followed by the payload. Everything read here
 * comes from a client and is untrusted: a bad header throws ProtocolError and the caller drops
 * only that connection.
 */
import { ChunkQueue } from './chunk-queue.ts';

export const Cmd = {
  SYNC: 0x434e5953,
  CNXN: 0x4e584e43,
  AUTH: 0x48545541,
  OPEN: 0x4e45504f,
  OKAY: 0x59414b4f,
  CLSE: 0x45534c43,
  WRTE: 0x45545257,
} as const;

const KNOWN = new Set<number>(Object.values(Cmd));
const HEADER = 24;

export interface Packet {
  command: number;
  arg0: number;
  arg1: number;
  payload: Buffer;
}

export class ProtocolError extends Error {}

export function commandName(command: number): string {
  return Buffer.from(Uint32Array.of(command).buffer).toString('latin1');
}

function byteSum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i < buf.length; i++) sum += buf[i];
  return sum >>> 0;
}

/** Encodes one message; the checksum is only computed where old hosts check it (CNXN, AUTH). */
export function encodePacket(command: number, arg0: number, arg1: number, payload?: Buffer): Buffer {
  const body = payload ?? Buffer.alloc(0);
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32LE(command, 0);
  header.writeUInt32LE(arg0 >>> 0, 4);
  header.writeUInt32LE(arg1 >>> 0, 8);
  header.writeUInt32LE(body.length, 12);
  header.writeUInt32LE(command === Cmd.CNXN || command === Cmd.AUTH ? byteSum(body) : 0, 16);
  header.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20);
  return body.length ? Buffer.concat([header, body]) : header;
}

/** Cuts a TCP byte stream into packets. */
export class PacketDecoder {
  private readonly queue = new ChunkQueue();
  private header: { command: number; arg0: number; arg1: number; length: number } | undefined;

  constructor(private readonly maxPayload: number) {}

  /** Set once the stream turned out malformed; nothing after it is parsed. */
  error: ProtocolError | undefined;

  /** Packets completed by this chunk; on malformed input, those before it (and `error` is set). */
  push(chunk: Buffer): Packet[] {
    const out: Packet[] = [];
    if (this.error) return out;
    this.queue.push(chunk);
    try {
      this.parse(out);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.error = err;
      this.queue.clear();
    }
    return out;
  }

  private parse(out: Packet[]): void {
    for (;;) {
      if (!this.header) {
        if (this.queue.size < HEADER) break;
        const h = this.queue.take(HEADER);
        const command = h.readUInt32LE(0);
        const length = h.readUInt32LE(12);
        if (!KNOWN.has(command)) throw new ProtocolError(`unknown command 0x${command.toString(16)}`);
        if (h.readUInt32LE(20) !== (command ^ 0xffffffff) >>> 0) throw new ProtocolError('bad magic');
        if (length > this.maxPayload) throw new ProtocolError(`payload of ${length} bytes exceeds ${this.maxPayload}`);
        this.header = { command, arg0: h.readUInt32LE(4), arg1: h.readUInt32LE(8), length };
      }
      if (this.queue.size < this.header.length) break;
      const payload = this.queue.take(this.header.length);
      out.push({ command: this.header.command, arg0: this.header.arg0, arg1: this.header.arg1, payload });
      this.header = undefined;
    }
  }
}
