/**
 * A concurrency limit for one kind of expensive request: `limit` run at once, `queue` more wait,
 * and any beyond are refused at once with BUSY (503 + Retry-After) instead of queueing without end.
 */
import { RioError } from '../../harness/src/errors.ts';

/** What a refused client is told to wait: long enough for a comparison or an import to finish. */
export const RETRY_AFTER_S = 5;

export class RequestGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly name: string, readonly limit: number, readonly queue: number, readonly retryAfterS = RETRY_AFTER_S) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.queue) {
        throw new RioError('BUSY', `the server is busy with ${this.name} requests: try again in ${this.retryAfterS} s`, { retry_after_s: this.retryAfterS });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await fn();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next(); else this.running--;
    }
  }
}
