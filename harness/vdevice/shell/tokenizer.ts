/**
 * Splits a shell command line into words and operators, the way mksh (Android's /system/bin/sh)
 * does for the subset clients send: single and double quotes, backslash escapes, $VAR, ${VAR},
 * $?, $(…), $((…)), operators ; & && || | and redirects (>, >>, <, 2>, 2>>, 2>&1, >&2, &>).
 * The input is untrusted: malformed text yields a ShellSyntaxError, never a crash.
 */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string }
  | { kind: 'cmd'; source: string }
  | { kind: 'arith'; source: string };

export type Token =
  | { type: 'word'; parts: WordPart[] }
  | { type: 'op'; op: ';' | '&' | '&&' | '||' | '|' | '\n' | '(' | ')' }
  | { type: 'redir'; fd: number; op: '>' | '>>' | '<' | '>&'; both?: boolean };

export class ShellSyntaxError extends Error {}

const MAX_LENGTH = 1 << 20;

export function tokenize(src: string): Token[] {
  if (src.length > MAX_LENGTH) throw new ShellSyntaxError('command line too long');
  const tokens: Token[] = [];
  let i = 0;
  let parts: WordPart[] | undefined;
  const lit = (text: string, quoted: boolean) => {
    parts ??= [];
    const last = parts[parts.length - 1];
    if (last?.kind === 'lit' && last.quoted === quoted) last.text += text;
    else parts.push({ kind: 'lit', text, quoted });
  };
  const endWord = () => {
    if (parts) tokens.push({ type: 'word', parts });
    parts = undefined;
  };
  const readDollar = (): void => {
    // src[i] === '$'
    const c = src[i + 1];
    if (c === '{') {
      const end = src.indexOf('}', i + 2);
      if (end < 0) throw new ShellSyntaxError('bad substitution');
      parts ??= [];
      parts.push({ kind: 'var', name: src.slice(i + 2, end) });
      i = end + 1;
    } else if (c === '(' && src[i + 2] === '(' && arithmeticEnd(src, i + 3) > 0) {
      const end = arithmeticEnd(src, i + 3);
      parts ??= [];
      parts.push({ kind: 'arith', source: src.slice(i + 3, end) });
      i = end + 2;
    } else if (c === '(') {
      let depth = 1;
      let j = i + 2;
      let quote: string | undefined;
      for (; j < src.length && depth > 0; j++) {
        const ch = src[j];
        if (quote) { if (ch === quote) quote = undefined; continue; }
        if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '(') depth++;
        else if (ch === ')') depth--;
      }
      if (depth !== 0) throw new ShellSyntaxError("missing ')'");
      parts ??= [];
      parts.push({ kind: 'cmd', source: src.slice(i + 2, j - 1) });
      i = j;
    } else if (c !== undefined && /[?$#!0-9]/.test(c)) {
      parts ??= [];
      parts.push({ kind: 'var', name: c });
      i += 2;
    } else if (c !== undefined && /[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      parts ??= [];
      parts.push({ kind: 'var', name: src.slice(i + 1, j) });
      i = j;
    } else {
      lit('$', false);
      i++;
    }
  };

  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r') { endWord(); i++; continue; }
    if (c === '#' && !parts) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '\\') {
      if (src[i + 1] === '\n') { i += 2; continue; }
      lit(src[i + 1] ?? '', true);
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated ' string");
      lit(src.slice(i + 1, end), true);
      parts ??= [];
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      parts ??= [];
      let closed = false;
      while (i < src.length) {
        const d = src[i];
        if (d === '"') { closed = true; i++; break; }
        if (d === '\\' && i + 1 < src.length && '"\\$`\n'.includes(src[i + 1])) { if (src[i + 1] !== '\n') lit(src[i + 1], true); i += 2; continue; }
        if (d === '$') { readDollar(); const last = parts[parts.length - 1]; if (last?.kind === 'lit') last.quoted = true; continue; }
        lit(d, true);
        i++;
      }
      if (!closed) throw new ShellSyntaxError('unterminated " string');
      continue;
    }
    if (c === '$') { readDollar(); continue; }
    // redirects: an optional single-digit fd glued to the operator
    const redir = /^(\d?)(>>|>&|>|<|&>)/.exec(src.slice(i, i + 3));
    if (redir && (redir[1] === '' || !parts)) {
      endWord();
      if (redir[2] === '&>') {
        tokens.push({ type: 'redir', fd: 1, op: '>', both: true });
        i += 2;
        continue;
      }
      const fd = redir[1] === '' ? (redir[2] === '<' ? 0 : 1) : Number(redir[1]);
      tokens.push({ type: 'redir', fd, op: redir[2] as '>' | '>>' | '<' | '>&' });
      i += redir[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') { endWord(); tokens.push({ type: 'op', op: two }); i += 2; continue; }
    if (c === ';' || c === '&' || c === '|' || c === '\n' || c === '(' || c === ')') {
      endWord();
      tokens.push({ type: 'op', op: c });
      i++;
      continue;
    }
    lit(c, false);
    i++;
  }
  endWord();
  return tokens;
}

/** Index of the `))` closing a `$((` whose body starts at `from`, or -1 (then it is `$( (…) )`). */
function arithmeticEnd(src: string, from: number): number {
  let depth = 0;
  for (let j = from; j < src.length; j++) {
    const ch = src[j];
    if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth > 0) depth--;
      else return src[j + 1] === ')' ? j : -1;
    }
  }
  return -1;
}
