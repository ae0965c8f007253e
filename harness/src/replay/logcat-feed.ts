/**
 * One long-lived `adb logcat` per device, fanned out to whoever is waiting on it (the attempt in
 * progress), with a short history for evidence excerpts. When the stream ends the device is gone
 * or restarting; subscribers are told so at once instead of waiting for a timeout.
 */
import type { AdbDevice, LogEntry } from '../devices/adb-device.ts';
import { LOGCAT_LINE_MAX_CHARS } from './pull-budgets.ts';

const HISTORY = 5000;

export type LogListener = (e: LogEntry) => void;

export class LogcatFeed {
  private listeners = new Set<LogListener>();
  private endListeners = new Set<(err?: Error) => void>();
  private history: LogEntry[] = [];
  /** entries seen so far; history holds the last HISTORY of them */
  private seen = 0;
  private handle: { end(): void } | null = null;
  private open = false;

  get isOpen(): boolean { return this.open; }

  async start(adb: AdbDevice): Promise<void> {
    this.stop();
    this.handle = await adb.logcat((raw) => {
      // a binary logcat entry may carry 64 KiB; Android's logger keeps 4 KiB, and so does the history
      const e = raw.message.length > LOGCAT_LINE_MAX_CHARS ? { ...raw, message: raw.message.slice(0, LOGCAT_LINE_MAX_CHARS) } : raw;
      this.history.push(e);
      this.seen++;
      if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
      for (const l of this.listeners) l(e);
    }, (err) => {
      this.open = false;
      for (const l of this.endListeners) l(err);
    });
    this.open = true;
  }

  stop(): void {
    this.open = false;
    this.handle?.end();
    this.handle = null;
  }

  subscribe(onEntry: LogListener, onEnd: (err?: Error) => void): () => void {
    this.listeners.add(onEntry);
    this.endListeners.add(onEnd);
    return () => { this.listeners.delete(onEntry); this.endListeners.delete(onEnd); };
  }

  /** A position in the feed; `from(mark)` returns what arrived after it (device clocks may be skewed, so no timestamps). */
  mark(): number { return this.seen; }
  from(mark: number): LogEntry[] {
    const skip = this.history.length - (this.seen - mark);
    return this.history.slice(Math.max(0, skip));
  }
}

const PRIORITY = ['?', '?', 'V', 'D', 'I', 'W', 'E', 'F', 'S'];

export function formatLogEntry(e: LogEntry): string {
  return `${e.date.toISOString()} ${String(e.pid).padStart(5)} ${PRIORITY[e.priority] ?? e.priority} ${e.tag}: ${e.message}`;
}
