/**
 * Parses tokens into a small AST: lists of and-or chains of pipelines of commands, where a command
 * is a simple command (assignments, words, redirects), `while … do … done`, `if … fi`,
 * `for X in … do … done` or a `( … )` subshell.
 */
import { tokenize, ShellSyntaxError, type Token, type WordPart } from './tokenizer.ts';

export type Word = WordPart[];
export interface Redirect { fd: number; op: '>' | '>>' | '<' | '>&'; target: Word; both?: boolean }
export interface SimpleCommand { type: 'simple'; assigns: Array<{ name: string; value: Word }>; words: Word[]; redirects: Redirect[] }
export interface WhileCommand { type: 'while'; until: boolean; cond: ListNode; body: ListNode; redirects: Redirect[] }
export interface IfCommand { type: 'if'; branches: Array<{ cond: ListNode; body: ListNode }>; otherwise?: ListNode; redirects: Redirect[] }
export interface ForCommand { type: 'for'; name: string; items: Word[]; body: ListNode; redirects: Redirect[] }
export interface SubshellCommand { type: 'subshell'; body: ListNode; redirects: Redirect[] }
export type CommandNode = SimpleCommand | WhileCommand | IfCommand | ForCommand | SubshellCommand;
export interface Pipeline { commands: CommandNode[]; negate: boolean }
export interface AndOr { first: Pipeline; rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }> }
export interface ListNode { items: AndOr[] }

const RESERVED = new Set(['while', 'until', 'do', 'done', 'if', 'then', 'elif', 'else', 'fi', 'for', 'in']);
const MAX_DEPTH = 64;

function plainWord(t: Token | undefined): string | undefined {
  if (t?.type !== 'word' || t.parts.length !== 1) return undefined;
  const p = t.parts[0];
  return p.kind === 'lit' && !p.quoted ? p.text : undefined;
}

export function parseScript(src: string): ListNode {
  const tokens = tokenize(src);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const isOp = (op: string) => { const t = peek(); return t?.type === 'op' && t.op === op; };
  const isKeyword = (k: string) => plainWord(peek()) === k;
  const expectKeyword = (k: string) => {
    if (!isKeyword(k)) throw new ShellSyntaxError(`syntax error: '${k}' expected`);
    pos++;
  };
  const skipNewlines = () => { while (isOp('\n') || isOp(';')) pos++; };

  function list(terminators: string[]): ListNode {
    if (++depth > MAX_DEPTH) throw new ShellSyntaxError('nested too deeply');
    const items: AndOr[] = [];
    for (;;) {
      while (isOp('\n') || isOp(';') || isOp('&')) pos++;
      const t = peek();
      if (!t || (t.type === 'op' && t.op === ')') || terminators.includes(plainWord(t) ?? '')) break;
      items.push(andOr());
      if (!(isOp(';') || isOp('\n') || isOp('&'))) break;
    }
    depth--;
    return { items };
  }

  function andOr(): AndOr {
    const first = pipeline();
    const rest: AndOr['rest'] = [];
    while (isOp('&&') || isOp('||')) {
      const op = (peek() as { op: '&&' | '||' }).op;
      pos++;
      while (isOp('\n')) pos++;
      rest.push({ op, pipeline: pipeline() });
    }
    return { first, rest };
  }

  function pipeline(): Pipeline {
    let negate = false;
    if (isKeyword('!')) { negate = true; pos++; }
    const commands = [command()];
    while (isOp('|')) {
      pos++;
      while (isOp('\n')) pos++;
      commands.push(command());
    }
    return { commands, negate };
  }

  function redirects(): Redirect[] {
    const out: Redirect[] = [];
    while (peek()?.type === 'redir') {
      const r = peek() as Extract<Token, { type: 'redir' }>;
      pos++;
      const target = peek();
      if (target?.type !== 'word') throw new ShellSyntaxError('syntax error: redirect without a target');
      pos++;
      out.push({ fd: r.fd, op: r.op, target: target.parts, both: r.both });
    }
    return out;
  }

  function command(): CommandNode {
    if (isOp('(')) {
      pos++;
      const body = list([]);
      if (!isOp(')')) throw new ShellSyntaxError("syntax error: ')' expected");
      pos++;
      return { type: 'subshell', body, redirects: redirects() };
    }
    if (isKeyword('while') || isKeyword('until')) {
      const until = isKeyword('until');
      pos++;
      const cond = list(['do']);
      expectKeyword('do');
      const body = list(['done']);
      expectKeyword('done');
      return { type: 'while', until, cond, body, redirects: redirects() };
    }
    if (isKeyword('if')) {
      pos++;
      const branches: IfCommand['branches'] = [];
      let otherwise: ListNode | undefined;
      const cond = list(['then']);
      expectKeyword('then');
      branches.push({ cond, body: list(['elif', 'else', 'fi']) });
      while (isKeyword('elif')) {
        pos++;
        const c = list(['then']);
        expectKeyword('then');
        branches.push({ cond: c, body: list(['elif', 'else', 'fi']) });
      }
      if (isKeyword('else')) { pos++; otherwise = list(['fi']); }
      expectKeyword('fi');
      return { type: 'if', branches, otherwise, redirects: redirects() };
    }
    if (isKeyword('for')) {
      pos++;
      const name = plainWord(peek());
      if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShellSyntaxError('syntax error: bad for variable');
      pos++;
      const items: Word[] = [];
      if (isKeyword('in')) {
        pos++;
        while (peek()?.type === 'word' && !isKeyword('do')) items.push((tokens[pos++] as { parts: Word }).parts);
      }
      skipNewlines();
      expectKeyword('do');
      const body = list(['done']);
      expectKeyword('done');
      return { type: 'for', name, items, body, redirects: redirects() };
    }
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirects: [] };
    for (;;) {
      const t = peek();
      if (!t) break;
      if (t.type === 'redir') { cmd.redirects.push(...redirects()); continue; }
      if (t.type !== 'word') break;
      if (cmd.words.length === 0) {
        const first = t.parts[0];
        const m = first?.kind === 'lit' && !first.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
        if (m && first.kind === 'lit') {
          const value: Word = [{ kind: 'lit', quoted: false, text: first.text.slice(m[0].length) }, ...t.parts.slice(1)];
          cmd.assigns.push({ name: m[1], value });
          pos++;
          continue;
        }
        if (RESERVED.has(plainWord(t) ?? '') && !['in'].includes(plainWord(t)!)) break;
      }
      cmd.words.push(t.parts);
      pos++;
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
      const t = peek();
      throw new ShellSyntaxError(`syntax error: unexpected ${t ? (t.type === 'word' ? `'${plainWord(t) ?? 'word'}'` : `'${(t as { op?: string }).op ?? 'redirect'}'`) : 'end of file'}`);
    }
    return cmd;
  }

  const result = list([]);
  if (pos < tokens.length) {
    const t = tokens[pos];
    throw new ShellSyntaxError(`syntax error: unexpected '${t.type === 'op' ? t.op : plainWord(t) ?? 'token'}'`);
  }
  return result;
}
