/**
 * Reads exact byte counts from an adb stream whose data arrives cut at arbitrary places (sync
 * requests span WRTEs). Delivery is held (the host is not acked) while too much is buffered.
 */
import type { AdbStream } from '../transport/stream.ts';
import { ChunkQueue } from '../transport/chunk-queue.ts';

const MAX_BUFFERED = 4 * 1024 * 1024;

export class ByteReader {
  private readonly queue = new ChunkQueue();
  private ended = false;
  private waiter: (() => void) | undefined;
  private drained: Array<() => void> = [];

  constructor(stream: AdbStream) {
    stream.onData((data) => {
      this.queue.push(data);
      this.wake();
      if (this.queue.size > MAX_BUFFERED) return new Promise<void>((r) => this.drained.push(r));
    });
    stream.signal.addEventListener('abort', () => { this.ended = true; this.wake(); }, { once: true });
  }

  /** Exactly n bytes, or undefined when the stream closed first. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.queue.size < n) {
      if (this.ended) return undefined;
      await new Promise<void>((r) => { this.waiter = r; });
    }
    const out = this.queue.take(n);
    if (this.queue.size <= MAX_BUFFERED && this.drained.length) {
      const d = this.drained;
      this.drained = [];
      for (const r of d) r();
    }
    return out;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
