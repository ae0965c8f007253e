/**
 * One adb stream (OPEN … CLSE) as seen by a device service. Outgoing data is queued and sent as
 * WRTEs with one in flight at a time (the host acks each with OKAY); whatever small writes pile up
 * while waiting go out together, up to the host's maxdata, which is what makes pulls fast.
 * Incoming WRTEs are acked only after the service has taken the data, so a slow consumer slows
 * the host instead of buffering without bound.
 */
export type DataHandler = (data: Buffer) => void | Promise<void>;

export interface StreamTransport {
  sendWrite(localId: number, remoteId: number, data: Buffer): void;
  sendClose(localId: number, remoteId: number): void;
  readonly maxData: number;
}

/** Bytes queued before write() makes its caller wait. */
const HIGH_WATER = 2 * 1024 * 1024;

export class AdbStream {
  private queue: Buffer[] = [];
  private queued = 0;
  private inFlight = false;
  private closing = false;
  private closed = false;
  private drainWaiters: Array<() => void> = [];
  private dataHandler: DataHandler | undefined;
  private pendingData: Buffer[] = [];
  private readonly abort = new AbortController();
  /** nothing may be sent before the OKAY that accepts the stream */
  private accepted = false;

  constructor(
    private readonly transport: StreamTransport,
    readonly localId: number,
    readonly remoteId: number,
    readonly service: string,
  ) {}

  /** Aborted when the host closes the stream or the connection drops. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues bytes for the host; resolves once the queue is below the high-water mark. */
  write(data: Buffer | string): Promise<void> {
    if (this.closed || this.closing) return Promise.resolve();
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (buf.length === 0) return Promise.resolve();
    this.queue.push(buf);
    this.queued += buf.length;
    this.flush();
    if (this.queued <= HIGH_WATER) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Sends what is queued, then CLSE. */
  end(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.flush();
  }

  /** Sets the consumer of incoming data; data that arrived earlier is delivered first. */
  onData(handler: DataHandler): void {
    this.dataHandler = handler;
  }

  /**
   * Called by the connection for each WRTE. A plain return means the data may be acked at once
   * (the host can send more while we work on it); a promise means ack when it settles.
   */
  deliver(data: Buffer): void | Promise<void> {
    if (!this.dataHandler) {
      this.pendingData.push(data);
      return;
    }
    if (this.pendingData.length === 0) return this.dataHandler(data);
    const handler = this.dataHandler;
    return (async () => {
      while (this.pendingData.length) await handler(this.pendingData.shift()!);
      await handler(data);
    })();
  }

  /** Takes data that arrived before a handler was set (services that read the rest later). */
  takePending(): Buffer[] {
    const p = this.pendingData;
    this.pendingData = [];
    return p;
  }

  /** The connection has sent the OKAY accepting this stream; queued output may go now. */
  markAccepted(): void {
    this.accepted = true;
    this.flush();
  }

  /** The host acked our last WRTE. */
  acked(): void {
    this.inFlight = false;
    this.flush();
  }

  /** The host closed the stream or the connection went away. */
  remoteClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    this.wakeWriters();
    this.abort.abort();
  }

  private flush(): void {
    if (this.closed || this.inFlight || !this.accepted) return;
    if (this.queued === 0) {
      if (this.closing) {
        this.closed = true;
        this.transport.sendClose(this.localId, this.remoteId);
        this.abort.abort();
      }
      return;
    }
    const max = this.transport.maxData;
    let payload: Buffer;
    if (this.queue[0].length >= max) {
      payload = this.queue[0].subarray(0, max);
      if (this.queue[0].length === max) this.queue.shift();
      else this.queue[0] = this.queue[0].subarray(max);
    } else {
      const parts: Buffer[] = [];
      let size = 0;
      while (this.queue.length && size + this.queue[0].length <= max) {
        const b = this.queue.shift()!;
        parts.push(b);
        size += b.length;
      }
      payload = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
    }
    this.queued -= payload.length;
    this.inFlight = true;
    this.transport.sendWrite(this.localId, this.remoteId, payload);
    if (this.queued <= HIGH_WATER) this.wakeWriters();
  }

  private wakeWriters(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of w) resolve();
  }
}
