/**
 * Bytes received in arbitrary pieces, taken out in exact amounts. Pieces are kept in a list and
 * copied once when taken, so a large message arriving in many small reads costs linear time.
 */
export class ChunkQueue {
  private chunks: Buffer[] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
  }

  /** Removes and returns exactly n bytes; the caller checks `size` first. */
  take(n: number): Buffer {
    if (n > this.total) throw new RangeError(`take(${n}) with ${this.total} bytes queued`);
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0];
        const part = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, part);
        filled += part;
        if (part === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(part);
      }
    }
    this.total -= n;
    return out;
  }
}
