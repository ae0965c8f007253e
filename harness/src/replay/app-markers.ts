/** Parses the demo app's logcat markers (android-demo/CONTRACT.md, tag RIO) and Android's crash report. */
export type AppMarker =
  | { kind: 'start'; run: string; frames: number }
  | { kind: 'progress'; run: string; done: number; total: number }
  | { kind: 'done'; run: string; status: 'ok' | 'error' }
  | { kind: 'error'; run: string; code: string; message: string };

export function parseMarker(tag: string, message: string): AppMarker | null {
  if (tag !== 'RIO') return null;
  const fields = (s: string) => Object.fromEntries([...s.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  const m = /^(RIO_START|RIO_PROGRESS|RIO_DONE|RIO_ERROR)\s+(.*)$/.exec(message.trim());
  if (!m) return null;
  const f = fields(m[2]!);
  if (!f.run) return null;
  switch (m[1]) {
    case 'RIO_START': return { kind: 'start', run: f.run, frames: Number(f.frames) };
    case 'RIO_PROGRESS': return { kind: 'progress', run: f.run, done: Number(f.done), total: Number(f.total) };
    case 'RIO_DONE': return { kind: 'done', run: f.run, status: f.status === 'ok' ? 'ok' : 'error' };
    default: {
      const msg = /message=(.*)$/.exec(m[2]!)?.[1] ?? '';
      return { kind: 'error', run: f.run, code: f.code ?? 'UNKNOWN', message: msg };
    }
  }
}

/** Android's AndroidRuntime "FATAL EXCEPTION" / "Process: <pkg>" lines mean the app process died. */
export function isCrashOf(pkg: string, tag: string, message: string): boolean {
  return tag === 'AndroidRuntime' && (message.includes('FATAL EXCEPTION') || message.includes(`Process: ${pkg}`));
}
