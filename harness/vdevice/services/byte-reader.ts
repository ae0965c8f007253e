/**
 * Reads exact byte counts from an adb stream whose data arrives cut at arbitrary places (sync
 * requests span WRTEs). Chunks are kept in a list, so reading is linear, not quadratic; delivery
 * is held (the host is not acked) while too much is buffered.
 */
import type { AdbStream } from '../transport/stream.ts';

const MAX_BUFFERED = 4 * 1024 * 1024;

export class ByteReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private waiter: (() => void) | undefined;
  private drained: Array<() => void> = [];

  constructor(stream: AdbStream) {
    stream.onData((data) => {
      this.chunks.push(data);
      this.size += data.length;
      this.wake();
      if (this.size > MAX_BUFFERED) return new Promise<void>((r) => this.drained.push(r));
    });
    stream.signal.addEventListener('abort', () => { this.ended = true; this.wake(); }, { once: true });
  }

  /** Exactly n bytes, or undefined when the stream closed first. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.size < n) {
      if (this.ended) return undefined;
      await new Promise<void>((r) => { this.waiter = r; });
    }
    let out: Buffer;
    if (this.chunks[0].length >= n) {
      out = this.chunks[0].subarray(0, n);
      if (this.chunks[0].length === n) this.chunks.shift();
      else this.chunks[0] = this.chunks[0].subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0];
        const take = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, take);
        filled += take;
        if (take === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(take);
      }
    }
    this.size -= n;
    if (this.size <= MAX_BUFFERED && this.drained.length) {
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
