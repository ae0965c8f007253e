/**
 * The device's log buffer (what `logcat` reads): a bounded ring of entries plus live listeners for
 * streaming readers. Formats follow Android's: threadtime/brief text and the binary logger_entry
 * (`-B`) that adbkit's openLogcat parses.
 */
import type { LogPriority } from '../apps/app-twin.ts';

export interface LogEntry {
  sec: number;
  nsec: number;
  pid: number;
  tid: number;
  priority: LogPriority;
  tag: string;
  message: string;
}

export const PRIORITY_LEVEL: Record<LogPriority, number> = { V: 2, D: 3, I: 4, W: 5, E: 6, F: 7 };
const LEVEL_LETTER = ['V', 'V', 'V', 'D', 'I', 'W', 'E', 'F'] as const;
/** Entries kept; older ones fall off like a phone's 256 KiB main buffer. */
const CAPACITY = 20_000;

export type LogListener = (entry: LogEntry) => void;

export class LogBuffer {
  private entries: LogEntry[] = [];
  private listeners = new Set<LogListener>();

  append(pid: number, priority: LogPriority, tag: string, message: string, tid = pid): void {
    const now = Date.now();
    const e: LogEntry = { sec: Math.floor(now / 1000), nsec: (now % 1000) * 1e6, pid, tid, priority, tag, message };
    this.entries.push(e);
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
    for (const l of this.listeners) l(e);
  }

  snapshot(): LogEntry[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries = [];
  }

  subscribe(l: LogListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

/** `tag:level` filter specs, as logcat parses them ('*:S', 'RIO:I', 'ActivityManager'). */
export class LogFilter {
  private readonly rules = new Map<string, number>();
  private defaultLevel = 2;

  constructor(specs: string[]) {
    for (const spec of specs) {
      const [tag, level = 'V'] = spec.split(':');
      const n = level.toUpperCase() === 'S' ? 99 : PRIORITY_LEVEL[level.toUpperCase() as LogPriority] ?? 2;
      if (tag === '*') this.defaultLevel = n;
      else this.rules.set(tag, n);
    }
  }

  accepts(e: LogEntry): boolean {
    return PRIORITY_LEVEL[e.priority] >= (this.rules.get(e.tag) ?? this.defaultLevel);
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `-v threadtime` (Android's default): `MM-DD HH:MM:SS.mmm  PID  TID P TAG     : msg` */
export function formatThreadtime(e: LogEntry): string {
  const d = new Date(e.sec * 1000 + Math.floor(e.nsec / 1e6));
  const stamp = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return e.message.split('\n').map((line) =>
    `${stamp} ${String(e.pid).padStart(5)} ${String(e.tid).padStart(5)} ${e.priority} ${e.tag.padEnd(8)}: ${line}\n`).join('');
}

/** `-v brief`: `P/TAG  ( PID): msg` */
export function formatBrief(e: LogEntry): string {
  return e.message.split('\n').map((line) => `${e.priority}/${e.tag.padEnd(8)}(${String(e.pid).padStart(5)}): ${line}\n`).join('');
}

/** Binary logger_entry v1: len u16, hdr_size u16 (20), pid, tid, sec, nsec; payload prio tag\0 msg\0. */
export function encodeBinary(e: LogEntry): Buffer {
  const tag = Buffer.from(e.tag);
  const msg = Buffer.from(e.message);
  const len = 1 + tag.length + 1 + msg.length + 1;
  const buf = Buffer.alloc(20 + len);
  buf.writeUInt16LE(len, 0);
  buf.writeUInt16LE(20, 2);
  buf.writeInt32LE(e.pid, 4);
  buf.writeInt32LE(e.tid, 8);
  buf.writeUInt32LE(e.sec, 12);
  buf.writeUInt32LE(e.nsec, 16);
  buf[20] = PRIORITY_LEVEL[e.priority];
  tag.copy(buf, 21);
  msg.copy(buf, 22 + tag.length);
  return buf;
}

export function priorityFromLevel(level: number): LogPriority {
  return LEVEL_LETTER[Math.max(0, Math.min(7, level))];
}
