/**
 * The demo app's logcat markers (CONTRACT.md "Logcat", tag RIO): how the app writes them and how
 * the harness reads them, side by side so that the two cannot drift.
 */

import { LOG_TAG } from './app-identity.ts';

export type AppMarker =
  | { kind: 'start'; run: string; frames: number }
  | { kind: 'progress'; run: string; done: number; total: number }
  | { kind: 'done'; run: string; status: 'ok' | 'error' }
  | { kind: 'error'; run: string; code: string; message: string }
  /** a playlist session ended (`run` = the session id) after `scenarios` scenarios: the app has finished */
  | { kind: 'sessionDone'; run: string; scenarios: number };

/** The marker words, also `MARKER_*` in AppContract.kt. */
export const MARKERS = { start: 'RIO_START', progress: 'RIO_PROGRESS', done: 'RIO_DONE', error: 'RIO_ERROR', sessionDone: 'RIO_SESSION_DONE' } as const;

/** The message of one marker, as the app logs it. */
export function formatMarker(m: AppMarker): string {
  switch (m.kind) {
    case 'start': return `${MARKERS.start} run=${m.run} frames=${m.frames}`;
    case 'progress': return `${MARKERS.progress} run=${m.run} done=${m.done} total=${m.total}`;
    case 'done': return `${MARKERS.done} run=${m.run} status=${m.status}`;
    case 'error': return `${MARKERS.error} run=${m.run} code=${m.code} message=${m.message}`;
    case 'sessionDone': return `${MARKERS.sessionDone} run=${m.run} scenarios=${m.scenarios}`;
  }
}

const MARKER_LINE = new RegExp(`^(${Object.values(MARKERS).join('|')})\\s+(.*)$`);

/** A marker from one logcat entry of tag `tag`, or null for any other line. */
export function parseMarker(tag: string, message: string): AppMarker | null {
  if (tag !== LOG_TAG) return null;
  const fields = (s: string) => Object.fromEntries([...s.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  const m = MARKER_LINE.exec(message.trim());
  if (!m) return null;
  const f = fields(m[2]!);
  if (!f.run) return null;
  switch (m[1]) {
    case MARKERS.start: return { kind: 'start', run: f.run, frames: Number(f.frames) };
    case MARKERS.progress: return { kind: 'progress', run: f.run, done: Number(f.done), total: Number(f.total) };
    case MARKERS.sessionDone: return { kind: 'sessionDone', run: f.run, scenarios: Number(f.scenarios) };
    case MARKERS.done: return { kind: 'done', run: f.run, status: f.status === 'ok' ? 'ok' : 'error' };
    default: {
      const msg = /message=(.*)$/.exec(m[2]!)?.[1] ?? '';
      return { kind: 'error', run: f.run, code: f.code ?? 'UNKNOWN', message: msg };
    }
  }
}
