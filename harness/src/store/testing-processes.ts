/** Starts testing-store-writer.ts as a real second process and reads its stdout line by line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const WRITER = fileURLToPath(new URL('./testing-store-writer.ts', import.meta.url));

export interface WriterProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line that satisfies `match`. */
  line(match: (l: string) => boolean): Promise<string>;
  exited: Promise<number | null>;
  stderr: () => string;
}

export function startWriter(args: string[]): WriterProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += String(d); });
  const lines: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) if (w.match(l)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(l); }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child, exited, stderr: () => err,
    line: (match) => {
      const seen = lines.find(match);
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then((code) => reject(new Error(`writer exited (${code}) before the line: ${err}`)));
      });
    },
  };
}
