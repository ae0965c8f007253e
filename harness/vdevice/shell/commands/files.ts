/** File commands over the device filesystem: ls, rm, mkdir, mv, cp, touch, chmod, stat, df, md5sum, sha256sum. */
import { createHash } from 'node:crypto';
import { createReadStream, copyFileSync, utimesSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import type { ShellCommand, CommandContext } from '../command.ts';
import { errnoText } from '../../fs/device-fs.ts';

function split(args: string[]): { flags: string; paths: string[] } {
  const flags = args.filter((a) => /^-[A-Za-z]+$/.test(a)).map((a) => a.slice(1)).join('');
  return { flags, paths: args.filter((a) => !/^-[A-Za-z]+$/.test(a)) };
}

function modeString(st: Stats): string {
  const t = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  const bits = st.mode & 0o777;
  const rwx = (n: number) => `${n & 4 ? 'r' : '-'}${n & 2 ? 'w' : '-'}${n & 1 ? 'x' : '-'}`;
  return t + rwx(bits >> 6) + rwx((bits >> 3) & 7) + rwx(bits & 7);
}

function stamp(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

function longLine(st: Stats, name: string): string {
  return `${modeString(st)} 1 shell shell ${String(st.size).padStart(8)} ${stamp(st.mtime)} ${name}`;
}

export const ls: ShellCommand = async (ctx) => {
  const { flags, paths } = split(ctx.args);
  const long = flags.includes('l');
  const all = flags.includes('a');
  const fs = ctx.device.fs;
  let status = 0;
  const targets = paths.length ? paths : ['.'];
  for (const p of targets) {
    try {
      const norm = fs.normalize(p, ctx.cwd);
      const st = fs.stat(norm);
      if (!st) throw Object.assign(new Error(), { code: 'ENOENT' });
      if (!st.isDirectory() || flags.includes('d')) {
        await ctx.stdout.write((long ? longLine(st, p) : p) + '\n');
        continue;
      }
      if (targets.length > 1) await ctx.stdout.write(`${p}:\n`);
      const names = fs.list(norm).filter((n) => all || !n.startsWith('.'));
      if (long) await ctx.stdout.write(`total ${names.length}\n`);
      for (const n of names) {
        const child = fs.stat(posix.join(norm, n));
        await ctx.stdout.write((long && child ? longLine(child, n) : n) + '\n');
      }
    } catch (err) {
      await ctx.stderr.write(`ls: ${p}: ${errnoText(err)}\n`);
      status = 1;
    }
  }
  return status;
};

export const rm: ShellCommand = async (ctx) => {
  const { flags, paths } = split(ctx.args);
  const force = flags.includes('f');
  let status = 0;
  for (const p of paths) {
    try {
      const norm = ctx.device.fs.normalize(p, ctx.cwd);
      if (!ctx.device.fs.stat(norm) && force) continue;
      ctx.device.fs.remove(norm, flags.includes('r') || flags.includes('R'));
    } catch (err) {
      await ctx.stderr.write(`rm: ${p}: ${errnoText(err)}\n`);
      status = 1;
    }
  }
  return status;
};

export const mkdir: ShellCommand = async (ctx) => {
  const { flags, paths } = split(ctx.args);
  let status = 0;
  for (const p of paths) {
    try {
      const norm = ctx.device.fs.normalize(p, ctx.cwd);
      const exists = ctx.device.fs.stat(norm);
      if (exists && !flags.includes('p')) throw Object.assign(new Error(), { code: 'EEXIST' });
      if (!flags.includes('p') && !ctx.device.fs.stat(posix.dirname(norm))?.isDirectory()) throw Object.assign(new Error(), { code: 'ENOENT' });
      ctx.device.fs.mkdirp(norm);
    } catch (err) {
      await ctx.stderr.write(`mkdir: '${p}': ${errnoText(err)}\n`);
      status = 1;
    }
  }
  return status;
};

export const mv: ShellCommand = async (ctx) => {
  const { paths } = split(ctx.args);
  if (paths.length !== 2) { await ctx.stderr.write('usage: mv SOURCE DEST\n'); return 1; }
  try {
    ctx.device.fs.rename(ctx.device.fs.normalize(paths[0], ctx.cwd), ctx.device.fs.normalize(paths[1], ctx.cwd));
    return 0;
  } catch (err) {
    await ctx.stderr.write(`mv: ${paths[0]}: ${errnoText(err)}\n`);
    return 1;
  }
};

export const cp: ShellCommand = async (ctx) => {
  const { paths } = split(ctx.args);
  if (paths.length !== 2) { await ctx.stderr.write('usage: cp SOURCE DEST\n'); return 1; }
  const fs = ctx.device.fs;
  try {
    const src = fs.normalize(paths[0], ctx.cwd);
    let dest = fs.normalize(paths[1], ctx.cwd);
    const st = fs.stat(src);
    if (!st) throw Object.assign(new Error(), { code: 'ENOENT' });
    if (st.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    if (fs.stat(dest)?.isDirectory()) dest = posix.join(dest, posix.basename(src));
    fs.reserve(st.size - (fs.stat(dest)?.size ?? 0));
    copyFileSync(fs.hostPath(src), fs.hostPath(dest));
    return 0;
  } catch (err) {
    await ctx.stderr.write(`cp: ${paths[1]}: ${errnoText(err)}\n`);
    return 1;
  }
};

export const touch: ShellCommand = async (ctx) => {
  for (const p of split(ctx.args).paths) {
    const norm = ctx.device.fs.normalize(p, ctx.cwd);
    if (ctx.device.fs.stat(norm)) {
      const now = new Date();
      utimesSync(ctx.device.fs.hostPath(norm), now, now);
    } else {
      ctx.device.fs.writeFile(norm, '');
    }
  }
  return 0;
};

export const chmod: ShellCommand = async () => 0;

/** `stat [-c FORMAT] PATH…` with the toybox format letters clients use (%s %Y %n %F %a %U). */
export const stat: ShellCommand = async (ctx) => {
  let format: string | undefined;
  const paths: string[] = [];
  for (let i = 0; i < ctx.args.length; i++) {
    if (ctx.args[i] === '-c') format = ctx.args[++i];
    else if (ctx.args[i].startsWith('-c')) format = ctx.args[i].slice(2);
    else paths.push(ctx.args[i]);
  }
  let status = 0;
  for (const p of paths) {
    const st = safeStat(ctx, p);
    if (!st) {
      await ctx.stderr.write(`stat: '${p}': No such file or directory\n`);
      status = 1;
      continue;
    }
    const type = st.isDirectory() ? 'directory' : st.size === 0 ? 'regular empty file' : 'regular file';
    if (format !== undefined) {
      const out = format.replace(/%([sYnFaUX])/g, (_m, c: string) => ({
        s: String(st.size), Y: String(Math.floor(st.mtimeMs / 1000)), X: String(Math.floor(st.atimeMs / 1000)), n: p, F: type,
        a: (st.mode & 0o777).toString(8), U: 'shell',
      })[c] ?? '');
      await ctx.stdout.write(out + '\n');
    } else {
      await ctx.stdout.write(`  File: \`${p}'\n  Size: ${st.size}\t Blocks: ${Math.ceil(st.size / 512)}\t IO Blocks: 512\t${type}\n` +
        `Access: (${(st.mode & 0o777).toString(8).padStart(4, '0')}/${modeString(st)})\tUid: ( 2000/   shell)\tGid: ( 2000/   shell)\n` +
        `Modify: ${st.mtime.toISOString()}\n`);
    }
  }
  return status;
};

function safeStat(ctx: CommandContext, p: string): Stats | undefined {
  try {
    return ctx.device.fs.stat(ctx.device.fs.normalize(p, ctx.cwd));
  } catch {
    return undefined;
  }
}

export const df: ShellCommand = async (ctx) => {
  const fs = ctx.device.fs;
  fs.resync();
  const human = ctx.args.includes('-h');
  const kb = (b: number) => Math.ceil(b / 1024);
  const size = (b: number) => (human ? `${(b / 2 ** 30).toFixed(1)}G` : String(kb(b)));
  const total = fs.capacityBytes;
  const used = Math.min(total, fs.used);
  const avail = fs.free;
  const pct = `${Math.ceil((100 * (total - avail)) / total)}%`;
  const header = human ? 'Filesystem      Size  Used Avail Use% Mounted on' : 'Filesystem     1K-blocks    Used Available Use% Mounted on';
  const rows = [['/dev/block/dm-5', '/data'], ['/dev/fuse', '/storage/emulated']].map(([dev, mount]) =>
    `${dev.padEnd(15)} ${size(total).padStart(9)} ${size(used).padStart(7)} ${size(avail).padStart(9)} ${pct.padStart(4)} ${mount}`);
  const wanted = ctx.args.filter((a) => !a.startsWith('-'));
  const chosen = wanted.length ? rows.filter((r) => wanted.some((w) => (w.startsWith('/sdcard') || w.startsWith('/storage') ? r.includes('/storage') : r.includes('/data')))) : rows;
  await ctx.stdout.write([header, ...chosen].join('\n') + '\n');
  return 0;
};

function hashCommand(algorithm: 'md5' | 'sha256' | 'sha1'): ShellCommand {
  return async (ctx) => {
    let status = 0;
    for (const p of ctx.args.filter((a) => !a.startsWith('-'))) {
      try {
        const norm = ctx.device.fs.normalize(p, ctx.cwd);
        const st = ctx.device.fs.stat(norm);
        if (!st) throw Object.assign(new Error(), { code: 'ENOENT' });
        if (st.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
        const h = createHash(algorithm);
        for await (const chunk of createReadStream(ctx.device.fs.hostPath(norm))) h.update(chunk as Buffer);
        await ctx.stdout.write(`${h.digest('hex')}  ${p}\n`);
      } catch (err) {
        await ctx.stderr.write(`${algorithm}sum: ${p}: ${errnoText(err)}\n`);
        status = 1;
      }
    }
    return status;
  };
}

export const md5sum = hashCommand('md5');
export const sha1sum = hashCommand('sha1');
export const sha256sum = hashCommand('sha256');
