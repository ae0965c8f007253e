/**
 * The byte plumbing between shell commands: a Sink is where a command writes (the adb stream,
 * a file, /dev/null, the next command in a pipeline); a Pipe connects a writer to a reader with
 * a little back-pressure so `logcat | head -n 5` streams instead of buffering everything.
 */
export interface Sink {
  write(data: Buffer | string): Promise<void>;
}

export const NULL_SINK: Sink = { write: async () => {} };

/** Collects everything written, for $(…) and tests. */
export class BufferSink implements Sink {
  private chunks: Buffer[] = [];
  async write(data: Buffer | string): Promise<void> {
    this.chunks.push(typeof data === 'string' ? Buffer.from(data) : data);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const PIPE_HIGH_WATER = 1 << 20;

export class Pipe implements Sink {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private readerGone = false;
  private readWaiter: (() => void) | undefined;
  private writeWaiters: Array<() => void> = [];

  async write(data: Buffer | string): Promise<void> {
    if (this.ended || this.readerGone) return;
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    if (!b.length) return;
    this.chunks.push(b);
    this.size += b.length;
    this.wakeReader();
    if (this.size > PIPE_HIGH_WATER) await new Promise<void>((r) => this.writeWaiters.push(r));
  }

  /** No more data will be written. */
  end(): void {
    this.ended = true;
    this.wakeReader();
  }

  /** The reader stopped reading (like SIGPIPE for the writer: further writes are dropped). */
  closeReader(): void {
    this.readerGone = true;
    this.chunks = [];
    this.size = 0;
    this.wakeWriters();
  }

  get isReaderGone(): boolean {
    return this.readerGone;
  }

  async *chunksIterable(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.chunks.length) {
        const c = this.chunks.shift()!;
        this.size -= c.length;
        if (this.size <= PIPE_HIGH_WATER) this.wakeWriters();
        yield c;
        continue;
      }
      if (this.ended || this.readerGone) return;
      await new Promise<void>((r) => { this.readWaiter = r; });
    }
  }

  /** Lines as they arrive (without the newline); a last unterminated line is yielded too. */
  async *lines(): AsyncGenerator<string> {
    let rest = '';
    for await (const c of this.chunksIterable()) {
      rest += c.toString('utf8');
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        yield rest.slice(0, nl);
        rest = rest.slice(nl + 1);
      }
    }
    if (rest) yield rest;
  }

  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of this.chunksIterable()) parts.push(c);
    return Buffer.concat(parts);
  }

  private wakeReader(): void {
    const w = this.readWaiter;
    this.readWaiter = undefined;
    w?.();
  }

  private wakeWriters(): void {
    const w = this.writeWaiters;
    this.writeWaiters = [];
    for (const r of w) r();
  }
}

/** An already-finished input (empty stdin, `< file`). */
export function pipeOf(data: Buffer | string = ''): Pipe {
  const p = new Pipe();
  void p.write(data);
  p.end();
  return p;
}
