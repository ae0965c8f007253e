/**
 * Pathname expansion for unquoted `*`, `?` and `[…]` in command words, against the device
 * filesystem (`rm -rf /sdcard/Android/data/pkg/files/runs/*`). As in sh: no match leaves the word
 * as typed (so `logcat *:I` stays `*:I`), and `*` does not match a leading dot.
 */
import { posix } from 'node:path';
import type { DeviceFs } from '../fs/device-fs.ts';

/** One character of an expanded word and whether it may act as a glob character. */
export interface GlobChar {
  ch: string;
  special: boolean;
}

const MAX_MATCHES = 10_000;

export function hasGlob(chars: GlobChar[]): boolean {
  return chars.some((c) => c.special && (c.ch === '*' || c.ch === '?' || c.ch === '['));
}

function segmentRegex(seg: GlobChar[]): RegExp | undefined {
  if (!hasGlob(seg)) return undefined;
  let src = '';
  for (let i = 0; i < seg.length; i++) {
    const { ch, special } = seg[i];
    if (special && ch === '*') src += '[^/]*';
    else if (special && ch === '?') src += '[^/]';
    else if (special && ch === '[') {
      const close = seg.findIndex((c, j) => j > i + 1 && c.special && c.ch === ']');
      if (close < 0) { src += '\\['; continue; }
      let cls = seg.slice(i + 1, close).map((c) => c.ch).join('');
      if (cls.startsWith('!')) cls = '^' + cls.slice(1);
      src += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

/** Paths matching the word, sorted; undefined when nothing matches (the word stays literal). */
export function expandGlob(fs: DeviceFs, cwd: string, chars: GlobChar[]): string[] | undefined {
  const word = chars.map((c) => c.ch).join('');
  const absolute = word.startsWith('/');
  const segments: GlobChar[][] = [[]];
  for (const c of chars) {
    if (c.ch === '/') segments.push([]);
    else segments[segments.length - 1].push(c);
  }
  if (absolute) segments.shift();
  let paths = [absolute ? '/' : ''];
  for (const seg of segments) {
    const re = segmentRegex(seg);
    const next: string[] = [];
    for (const base of paths) {
      if (!re) {
        next.push(base === '' ? seg.map((c) => c.ch).join('') : posix.join(base, seg.map((c) => c.ch).join('')));
        continue;
      }
      let names: string[];
      try {
        names = fs.list(fs.normalize(base || '.', cwd));
      } catch {
        continue;
      }
      for (const n of names) {
        if (n.startsWith('.') && seg[0]?.ch !== '.') continue;
        if (re.test(n)) next.push(base === '' ? n : posix.join(base, n));
        if (next.length > MAX_MATCHES) return undefined;
      }
    }
    paths = next;
    if (paths.length === 0) return undefined;
  }
  const existing = paths.filter((p) => {
    try {
      return fs.stat(fs.normalize(p, cwd)) !== undefined;
    } catch {
      return false;
    }
  });
  return existing.length ? existing.sort() : undefined;
}
