/**
 * Reading a device's answer within a budget. A device decides how much it sends and for how
 * long — a tampered phone can stream a "file" that never ends — so every read from it has a byte
 * and a time limit, and going over either cancels the transfer itself (the adb stream is closed),
 * not just the caller's wait: an abandoned transfer would otherwise keep buffering in the background.
 */
import { RioError, type ErrorCode } from '../errors.ts';

export interface TransferBudget {
  /** most bytes accepted; one more cancels the transfer */
  maxBytes: number;
  /** longest the whole transfer may take */
  timeoutMs: number;
  /** error kind when the device sends more than maxBytes (INVALID_RESULTS for app files, ADB_ERROR otherwise) */
  tooLarge?: ErrorCode;
}

/** A stream from adbkit: a shell socket or a sync PullTransfer. */
type DeviceStream = NodeJS.ReadableStream & { destroy?(err?: Error): void };

/**
 * Reads `stream` to its end within `budget`; `what` and `where` name it in errors. `close` ends
 * the transfer (default: destroy the stream); errors the stream raises after that are expected.
 */
export function readWithinBudget(stream: DeviceStream, budget: TransferBudget, what: string, where: Record<string, string | number>,
  close: () => void = () => stream.destroy?.()): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const cancel = () => {
      try { close(); } catch { /* already closed */ }
    };
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.removeListener('data', onData);
      if (err) { cancel(); reject(err); } else resolve(Buffer.concat(chunks, size));
    };
    const timer = setTimeout(() => finish(new RioError('TIMEOUT', `${what} took longer than ${budget.timeoutMs} ms (transfer cancelled)`, where)), budget.timeoutMs);
    const onData = (c: Buffer | string) => {
      const b = Buffer.isBuffer(c) ? c : Buffer.from(c);
      size += b.length;
      if (size > budget.maxBytes) {
        return finish(new RioError(budget.tooLarge ?? 'ADB_ERROR', `${what} exceeds ${budget.maxBytes} bytes (transfer cancelled)`, where));
      }
      chunks.push(b);
    };
    stream.on('data', onData);
    stream.once('end', () => finish());
    // `on`, not `once`: a closed transfer may report its cut-off read as a second error
    stream.on('error', (err: Error) => finish(err));
  });
}
