/**
 * Runs parsed scripts: and-or chains, pipelines (stages run concurrently over Pipes), redirects,
 * variables, while/if/for, and the device's commands. One Shell per adb shell stream, like one
 * mksh process per `adb shell`.
 */
import { parseScript, type ListNode, type AndOr, type Pipeline, type CommandNode, type SimpleCommand, type Redirect, type Word } from './parser.ts';
import { ShellSyntaxError } from './tokenizer.ts';
import { Pipe, BufferSink, NULL_SINK, pipeOf, type Sink } from './io.ts';
import type { CommandContext, ShellCommand } from './command.ts';
import type { DeviceCore } from '../device/core.ts';
import { errnoText } from '../fs/device-fs.ts';
import { expandGlob, hasGlob, type GlobChar } from './glob.ts';
import { ArithmeticError, evaluateArithmetic } from './arithmetic.ts';

export interface ShellIo {
  stdin: Pipe;
  stdout: Sink;
  stderr: Sink;
  signal: AbortSignal;
}

const SH = '/system/bin/sh';
/** Nested shells ($(…), sh -c) allowed before refusing: client input must not recurse without bound. */
const MAX_SHELL_DEPTH = 32;

/** Writes into a device file through the quota; the first error is reported once. */
class FileSink implements Sink {
  private failed = false;
  constructor(private readonly device: DeviceCore, private readonly path: string, private readonly stderr: Sink) {}
  async write(data: Buffer | string): Promise<void> {
    if (this.failed) return;
    try {
      this.device.fs.writeFile(this.path, data, true);
    } catch (err) {
      this.failed = true;
      await this.stderr.write(`${SH}: write error: ${errnoText(err)}\n`);
    }
  }
}

export class Shell {
  readonly vars = new Map<string, string>();
  private status = 0;
  cwd = '/';

  constructor(private readonly device: DeviceCore, private readonly commands: ReadonlyMap<string, ShellCommand>, private readonly depth = 0) {
    this.vars.set('PATH', '/product/bin:/apex/com.android.runtime/bin:/system/bin:/system/xbin:/odm/bin:/vendor/bin');
    this.vars.set('HOME', '/');
    this.vars.set('SHELL', SH);
    this.vars.set('USER', 'shell');
  }

  /** Parses and runs a script; syntax errors go to stderr with status 1, as in mksh. */
  async run(script: string, io: ShellIo): Promise<number> {
    if (this.depth > MAX_SHELL_DEPTH) {
      await io.stderr.write(`${SH}: too many nested shells\n`);
      return (this.status = 2);
    }
    let ast: ListNode;
    try {
      ast = parseScript(script);
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      await io.stderr.write(`${SH}: ${err.message}\n`);
      return (this.status = 1);
    }
    try {
      return await this.runList(ast, io);
    } catch (err) {
      // an expansion error ends a non-interactive shell (POSIX 2.8.1), as mksh does
      if (!(err instanceof ArithmeticError)) throw err;
      await io.stderr.write(`${SH}: ${err.message}\n`);
      return (this.status = 1);
    }
  }

  /** A nested shell ($(…), sh -c) that inherits the variables (and `X=1 sh -c …` assignments). */
  private child(env: ReadonlyMap<string, string> = this.vars): Shell {
    const c = new Shell(this.device, this.commands, this.depth + 1);
    c.cwd = this.cwd;
    for (const [k, v] of env) c.vars.set(k, v);
    return c;
  }

  private async runList(list: ListNode, io: ShellIo): Promise<number> {
    for (const item of list.items) {
      if (io.signal.aborted) break;
      this.status = await this.runAndOr(item, io);
    }
    return this.status;
  }

  private async runAndOr(node: AndOr, io: ShellIo): Promise<number> {
    let status = await this.runPipeline(node.first, io);
    for (const { op, pipeline } of node.rest) {
      if (io.signal.aborted) break;
      if ((op === '&&' && status === 0) || (op === '||' && status !== 0)) status = await this.runPipeline(pipeline, io);
    }
    return status;
  }

  private async runPipeline(p: Pipeline, io: ShellIo): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      status = await this.runCommand(p.commands[0], io);
    } else {
      const stages: Promise<number>[] = [];
      const upstream: AbortController[] = [];
      let input = io.stdin;
      for (let i = 0; i < p.commands.length; i++) {
        const last = i === p.commands.length - 1;
        const out = last ? undefined : new Pipe();
        const ctl = new AbortController();
        const onAbort = () => ctl.abort();
        io.signal.addEventListener('abort', onAbort, { once: true });
        const stageIn = input;
        const stageIo: ShellIo = { stdin: stageIn, stdout: out ?? io.stdout, stderr: io.stderr, signal: ctl.signal };
        stages.push(this.runCommand(p.commands[i], stageIo).finally(() => {
          io.signal.removeEventListener('abort', onAbort);
          out?.end();
          if (i > 0) {
            // the reader is done: the writer upstream gets the equivalent of SIGPIPE
            stageIn.closeReader();
            upstream[i - 1]?.abort();
          }
        }));
        upstream.push(ctl);
        if (out) input = out;
      }
      status = (await Promise.all(stages))[stages.length - 1];
    }
    this.status = p.negate ? (status === 0 ? 1 : 0) : status;
    return this.status;
  }

  private async runCommand(node: CommandNode, io: ShellIo): Promise<number> {
    const redirected = await this.applyRedirects(node.redirects, io);
    if (!redirected) return 1;
    const rio = redirected;
    switch (node.type) {
      case 'simple':
        return this.runSimple(node, rio);
      case 'subshell':
        return this.runList(node.body, rio);
      case 'while': {
        let status = 0;
        for (;;) {
          if (rio.signal.aborted) break;
          const c = await this.runList(node.cond, rio);
          if ((c === 0) === node.until) break;
          status = await this.runList(node.body, rio);
          // a loop whose body does not wait must still let the event loop breathe
          await new Promise((r) => setImmediate(r));
        }
        return status;
      }
      case 'if': {
        for (const b of node.branches) {
          if ((await this.runList(b.cond, rio)) === 0) return this.runList(b.body, rio);
        }
        return node.otherwise ? this.runList(node.otherwise, rio) : 0;
      }
      case 'for': {
        let status = 0;
        for (const w of node.items) {
          if (rio.signal.aborted) break;
          for (const item of await this.expandWord(w, rio)) {
            this.vars.set(node.name, item);
            status = await this.runList(node.body, rio);
          }
        }
        return status;
      }
    }
  }

  private async runSimple(node: SimpleCommand, io: ShellIo): Promise<number> {
    const words: string[] = [];
    for (const w of node.words) words.push(...(await this.expandWord(w, io)));
    const assigns: Array<[string, string]> = [];
    for (const a of node.assigns) assigns.push([a.name, await this.expand(a.value, io)]);
    if (words.length === 0) {
      for (const [k, v] of assigns) this.vars.set(k, v);
      return 0;
    }
    const env = new Map(this.vars);
    for (const [k, v] of assigns) env.set(k, v);
    return this.invoke(words, env, io);
  }

  /** Runs argv: shell builtins first, then the device's commands. */
  private async invoke(argv: string[], env: Map<string, string>, io: ShellIo): Promise<number> {
    let [name, ...args] = argv;
    // `exec cmd …` has no process to replace here: it simply runs cmd
    while (name === 'exec' || name === 'command' || name === 'nohup') {
      if (args.length === 0) return 0;
      [name, ...args] = args;
    }
    switch (name) {
      case 'export':
        for (const a of args) {
          const eq = a.indexOf('=');
          if (eq > 0) this.vars.set(a.slice(0, eq), a.slice(eq + 1));
        }
        return 0;
      case 'unset':
        for (const a of args) this.vars.delete(a);
        return 0;
      case 'cd': {
        const target = args[0] ?? '/';
        try {
          const norm = this.device.fs.normalize(target, this.cwd);
          if (!this.device.fs.stat(norm)?.isDirectory()) throw Object.assign(new Error(), { code: 'ENOENT' });
          this.cwd = norm;
          return 0;
        } catch (err) {
          await io.stderr.write(`${SH}: cd: ${target}: ${errnoText(err)}\n`);
          return 2;
        }
      }
      case 'exit':
        return Number(args[0] ?? this.status) & 0xff;
    }
    const command = this.commands.get(name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name);
    if (!command) {
      await io.stderr.write(`${SH}: ${name}: inaccessible or not found\n`);
      return 127;
    }
    const ctx: CommandContext = {
      name, args, env, cwd: this.cwd, device: this.device,
      stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, signal: io.signal,
      runScript: (script) => this.child(env).run(script, io),
    };
    try {
      return await command(ctx);
    } catch (err) {
      await io.stderr.write(`${name}: ${errnoText(err)}\n`);
      return 1;
    }
  }

  /** The value of $name: special parameters, then shell variables (unset = empty). */
  private variable(name: string): string {
    if (name === '?') return String(this.status);
    if (name === '$') return String(this.device.shellPid);
    return this.vars.get(name) ?? '';
  }

  /** Expands a word: variables, $?, $(…). No field splitting (clients quote what they mean). */
  private async expand(word: Word, io: ShellIo): Promise<string> {
    return (await this.expandChars(word, io)).map((c) => c.ch).join('');
  }

  /** A command word: expanded, then pathname-expanded when it has unquoted glob characters. */
  private async expandWord(word: Word, io: ShellIo): Promise<string[]> {
    const chars = await this.expandChars(word, io);
    const matches = hasGlob(chars) ? expandGlob(this.device.fs, this.cwd, chars) : undefined;
    return matches ?? [chars.map((c) => c.ch).join('')];
  }

  /** Characters of the expanded word; only unquoted literal text may act as glob characters. */
  private async expandChars(word: Word, io: ShellIo): Promise<GlobChar[]> {
    const out: GlobChar[] = [];
    const add = (text: string, special: boolean) => { for (const ch of text) out.push({ ch, special }); };
    for (const part of word) {
      if (part.kind === 'lit') add(part.text, !part.quoted);
      else if (part.kind === 'var') add(this.variable(part.name), false);
      else if (part.kind === 'arith') {
        // parameters are expanded first ($X, ${X}, $?), then bare names are read as numbers
        const expr = part.source.replace(/\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|[?$#!0-9])/g, (_m, braced: string | undefined, bare: string | undefined) => this.variable(braced ?? bare ?? ''));
        add(String(evaluateArithmetic(expr, (name) => this.vars.get(name))), false);
      } else {
        const sink = new BufferSink();
        await this.child().run(part.source, { ...io, stdin: pipeOf(), stdout: sink });
        add(sink.toBuffer().toString('utf8').replace(/\n+$/, ''), false);
      }
    }
    return out;
  }

  private async applyRedirects(redirects: Redirect[], io: ShellIo): Promise<ShellIo | undefined> {
    if (redirects.length === 0) return io;
    const out = { ...io };
    for (const r of redirects) {
      const target = await this.expand(r.target, io);
      if (r.op === '>&') {
        const src = target === '1' ? out.stdout : target === '2' ? out.stderr : undefined;
        if (!src) { await io.stderr.write(`${SH}: ${target}: bad file descriptor\n`); return undefined; }
        if (r.fd === 1) out.stdout = src;
        else if (r.fd === 2) out.stderr = src;
        continue;
      }
      if (r.op === '<') {
        if (target === '/dev/null') { out.stdin = pipeOf(); continue; }
        try {
          out.stdin = pipeOf(this.device.fs.readFile(this.device.fs.normalize(target, this.cwd)));
        } catch (err) {
          await io.stderr.write(`${SH}: can't open ${target}: ${errnoText(err)}\n`);
          return undefined;
        }
        continue;
      }
      let sink: Sink;
      if (target === '/dev/null') sink = NULL_SINK;
      else {
        try {
          const path = this.device.fs.normalize(target, this.cwd);
          this.device.fs.writeFile(path, '', r.op === '>>');
          sink = new FileSink(this.device, path, io.stderr);
        } catch (err) {
          await io.stderr.write(`${SH}: can't create ${target}: ${errnoText(err)}\n`);
          return undefined;
        }
      }
      if (r.fd === 1) out.stdout = sink;
      if (r.fd === 2 || r.both) out.stderr = sink;
    }
    return out;
  }
}
