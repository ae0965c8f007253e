/**
 * One host connection to the vdevice: CNXN/AUTH handshake, stream table, OKAY/WRTE/CLSE routing.
 * Any malformed input ends this connection only. Faults that act on the link (stall, added latency)
 * are applied here because that is where a phone's link would stall or lag.
 */
import type { Socket } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { Cmd, PacketDecoder, encodePacket, type Packet } from './packet.ts';
import { AdbStream, type StreamTransport } from './stream.ts';
import { newToken, verifyTokenSignature } from './auth.ts';

export const A_VERSION = 0x01000001;
export const MAX_DATA = 1024 * 1024;
const AUTH_TOKEN = 1;
const AUTH_SIGNATURE = 2;
const AUTH_RSAPUBLICKEY = 3;
/** Longest service name we accept in OPEN; real adbd's limit is similar. */
const MAX_SERVICE_NAME = 64 * 1024;
/**
 * Streams one host may hold open at once. A client that opens streams without closing them would
 * otherwise grow the stream table (and a shell per stream) without end; past this an OPEN is
 * refused with CLSE(0, remote), adb's answer to a service that cannot start.
 */
export const MAX_STREAMS_PER_CONNECTION = 256;

export interface ConnectionOptions {
  /** `device::ro.product.name=…;…;features=…` */
  banner(): string;
  /** RSA keys allowed to connect; undefined means AUTH is off */
  authorizedKeys?: KeyObject[];
  /** Starts the service named in OPEN on the stream; false refuses it. */
  openService(service: string, stream: AdbStream): boolean;
  /** Extra delay per outgoing packet (slow-link fault). */
  linkDelayMs(): number;
  /** Resolves when the device stops stalling; undefined when not stalled. */
  stallGate(): Promise<void> | undefined;
}

export class AdbConnection implements StreamTransport {
  private readonly decoder = new PacketDecoder(MAX_DATA);
  private readonly streams = new Map<number, AdbStream>();
  private readonly chains = new Map<number, Promise<void>>();
  private nextLocalId = 1;
  private online = false;
  private token: Buffer | undefined;
  private work: Promise<void> = Promise.resolve();
  private outbox: Array<{ due: number; data: Buffer }> = [];
  private outTimer: NodeJS.Timeout | undefined;
  private waitingForStall = false;
  private ended = false;
  maxData = MAX_DATA;

  constructor(private readonly socket: Socket, private readonly opts: ConnectionOptions) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onBytes(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** Drops the connection and every stream on it. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.outTimer) clearTimeout(this.outTimer);
    this.socket.destroy();
    for (const s of this.streams.values()) s.remoteClosed();
    this.streams.clear();
  }

  sendWrite(localId: number, remoteId: number, data: Buffer): void {
    this.send(encodePacket(Cmd.WRTE, localId, remoteId, data));
  }

  sendClose(localId: number, remoteId: number): void {
    this.streams.delete(localId);
    this.send(encodePacket(Cmd.CLSE, localId, remoteId));
  }

  private onBytes(chunk: Buffer): void {
    if (this.ended) return;
    const packets: Packet[] = this.decoder.push(chunk);
    for (const p of packets) {
      this.work = this.work.then(async () => {
        const gate = this.opts.stallGate();
        if (gate) await gate;
        if (!this.ended) this.handle(p);
      }).catch(() => this.close());
    }
    // a malformed stream ends this connection once the packets before the bad one are handled
    if (this.decoder.error) this.work = this.work.then(() => this.close());
  }

  private handle(p: Packet): void {
    switch (p.command) {
      case Cmd.CNXN:
        this.maxData = Math.max(4096, Math.min(MAX_DATA, p.arg1 || MAX_DATA));
        if (this.opts.authorizedKeys && !this.online) return this.sendAuthToken();
        return this.sendConnect();
      case Cmd.AUTH:
        return this.onAuth(p);
      case Cmd.OPEN:
        return this.onOpen(p);
      case Cmd.OKAY:
        this.streams.get(p.arg1)?.acked();
        return;
      case Cmd.WRTE:
        return this.onWrite(p);
      case Cmd.CLSE: {
        const s = this.streams.get(p.arg1);
        if (s) {
          this.streams.delete(p.arg1);
          s.remoteClosed();
        }
        return;
      }
      default:
        return; // SYNC is obsolete; ignore it as adbd does
    }
  }

  private sendConnect(): void {
    this.online = true;
    this.send(encodePacket(Cmd.CNXN, A_VERSION, MAX_DATA, Buffer.from(this.opts.banner())));
  }

  private sendAuthToken(): void {
    this.token = newToken();
    this.send(encodePacket(Cmd.AUTH, AUTH_TOKEN, 0, this.token));
  }

  private onAuth(p: Packet): void {
    if (!this.opts.authorizedKeys || this.online) return;
    if (p.arg0 === AUTH_SIGNATURE && this.token) {
      const ok = this.opts.authorizedKeys.some((k) => verifyTokenSignature(k, this.token!, p.payload));
      if (ok) return this.sendConnect();
      return this.sendAuthToken(); // the host tries its next key, then offers a public key
    }
    // AUTH_RSAPUBLICKEY: a phone would ask its user; a vdevice only trusts its configured keys,
    // so the host stays "unauthorized", as with a phone whose user said no.
    if (p.arg0 === AUTH_RSAPUBLICKEY) return;
  }

  private onOpen(p: Packet): void {
    if (!this.online) return;
    const remoteId = p.arg0;
    // only the trailing NUL ends the name: abb_exec separates its arguments with NULs
    let end = p.payload.length;
    while (end > 0 && p.payload[end - 1] === 0) end--;
    const raw = p.payload.subarray(0, end);
    if (raw.length === 0 || raw.length > MAX_SERVICE_NAME || remoteId === 0 || this.streams.size >= MAX_STREAMS_PER_CONNECTION) {
      this.send(encodePacket(Cmd.CLSE, 0, remoteId));
      return;
    }
    const localId = this.nextLocalId++;
    const stream = new AdbStream(this, localId, remoteId, raw.toString('utf8'));
    this.streams.set(localId, stream);
    let accepted = false;
    try {
      accepted = this.opts.openService(stream.service, stream);
    } catch {
      accepted = false;
    }
    if (!accepted) {
      this.streams.delete(localId);
      this.send(encodePacket(Cmd.CLSE, 0, remoteId));
      return;
    }
    this.send(encodePacket(Cmd.OKAY, localId, remoteId));
    stream.markAccepted();
  }

  private onWrite(p: Packet): void {
    const localId = p.arg1;
    const stream = this.streams.get(localId);
    if (!stream || stream.remoteId !== p.arg0) return;
    const ack = () => { if (!stream.isClosed) this.send(encodePacket(Cmd.OKAY, localId, stream.remoteId)); };
    const prev = this.chains.get(localId);
    let next: Promise<void>;
    if (!prev) {
      let result: void | Promise<void>;
      try {
        result = stream.deliver(p.payload);
      } catch {
        stream.end();
        return;
      }
      // acking before the consumer runs lets the host send the next WRTE while we write this one
      if (!(result instanceof Promise)) return ack();
      next = result.then(ack, () => stream.end());
    } else {
      next = prev.then(() => stream.deliver(p.payload)).then(ack, () => stream.end());
    }
    this.chains.set(localId, next);
    void next.finally(() => { if (this.chains.get(localId) === next) this.chains.delete(localId); });
  }

  private send(data: Buffer): void {
    if (this.ended) return;
    const delay = this.opts.linkDelayMs();
    const stalled = this.opts.stallGate();
    if (delay <= 0 && !stalled && this.outbox.length === 0) {
      this.socket.write(data);
      return;
    }
    this.outbox.push({ due: Date.now() + delay, data });
    this.pumpOutbox();
  }

  private pumpOutbox(): void {
    if (this.outTimer || this.waitingForStall || this.ended) return;
    const stalled = this.opts.stallGate();
    if (stalled) {
      this.waitingForStall = true;
      void stalled.then(() => { this.waitingForStall = false; this.pumpOutbox(); });
      return;
    }
    const now = Date.now();
    while (this.outbox.length && this.outbox[0].due <= now) this.socket.write(this.outbox.shift()!.data);
    if (this.outbox.length) {
      this.outTimer = setTimeout(() => { this.outTimer = undefined; this.pumpOutbox(); }, this.outbox[0].due - now);
    }
  }
}
