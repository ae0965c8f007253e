/**
 * `pm` and `cmd package`: list packages/features, path, install (from a file, or `-S SIZE` from
 * stdin as `adb install` streams it), uninstall, clear, grant, dump.
 */
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ShellCommand, CommandContext } from '../command.ts';
import { errnoText } from '../../fs/device-fs.ts';
import { describePackage } from './dumpsys.ts';

/** Packages every phone ships with, so `pm list packages` looks like a phone's. */
export const SYSTEM_PACKAGES = ['android', 'com.android.shell', 'com.android.settings', 'com.android.systemui',
  'com.android.launcher3', 'com.android.providers.settings', 'com.android.inputmethod.latin'];

const ANDROID_FEATURES = ['android.hardware.camera', 'android.hardware.camera.autofocus', 'android.hardware.camera.front',
  'android.hardware.touchscreen', 'android.hardware.wifi', 'android.hardware.screen.portrait', 'android.software.webview',
  'android.hardware.vulkan.level=1', 'android.hardware.opengles.aep', 'reqGlEsVersion=0x30002'];

export const pm: ShellCommand = async (ctx) => {
  const [sub, ...rest] = ctx.args;
  switch (sub) {
    case 'list': return list(ctx, rest);
    case 'path': return path(ctx, rest[0]);
    case 'install': return install(ctx, rest);
    case 'uninstall': return uninstall(ctx, rest);
    case 'clear': {
      const ok = rest[0] !== undefined && ctx.device.packages.clear(rest[rest.length - 1]);
      await ctx.stdout.write(ok ? 'Success\n' : 'Failed\n');
      return ok ? 0 : 1;
    }
    case 'grant': case 'revoke': {
      const pkg = rest.find((a) => !a.startsWith('-'));
      if (!pkg || !ctx.device.packages.get(pkg)) {
        await ctx.stderr.write(`Exception occurred while executing '${sub}':\njava.lang.IllegalArgumentException: Unknown package: ${pkg ?? ''}\n`);
        return 255;
      }
      return 0;
    }
    case 'dump': {
      const pkg = rest[0] ? ctx.device.packages.get(rest[0]) : undefined;
      if (pkg) await ctx.stdout.write(describePackage(ctx, pkg));
      return 0;
    }
    default:
      await ctx.stderr.write(sub ? `Unknown command: ${sub}\n` : 'usage: pm [list|path|install|uninstall|clear|grant|dump] ...\n');
      return 1;
  }
};

async function list(ctx: CommandContext, args: string[]): Promise<number> {
  const [what, ...opts] = args;
  if (what === 'features') {
    await ctx.stdout.write(ANDROID_FEATURES.map((f) => `feature:${f}\n`).join(''));
    return 0;
  }
  if (what !== 'packages') {
    await ctx.stderr.write(`Error: unknown list type '${what ?? ''}'\n`);
    return 1;
  }
  const flags = opts.filter((o) => o.startsWith('-')).join('');
  const filter = opts.find((o) => !o.startsWith('-'));
  const installed = ctx.device.packages.list();
  const rows: Array<{ name: string; path: string; versionCode?: number }> = [];
  if (!flags.includes('3')) rows.push(...SYSTEM_PACKAGES.map((name) => ({ name, path: `/system/app/${name}/${name}.apk` })));
  if (!flags.includes('s')) rows.push(...installed.map((p) => ({ name: p.name, path: p.apkPath, versionCode: p.versionCode })));
  for (const r of rows.filter((r) => !filter || r.name.includes(filter)).sort((a, b) => a.name.localeCompare(b.name))) {
    let line = flags.includes('f') ? `package:${r.path}=${r.name}` : `package:${r.name}`;
    if (opts.includes('--show-versioncode')) line += ` versionCode:${r.versionCode ?? 1}`;
    await ctx.stdout.write(line + '\n');
  }
  return 0;
}

async function path(ctx: CommandContext, name: string | undefined): Promise<number> {
  const pkg = name ? ctx.device.packages.get(name) : undefined;
  if (pkg) {
    await ctx.stdout.write(`package:${pkg.apkPath}\n`);
    return 0;
  }
  if (name && SYSTEM_PACKAGES.includes(name)) {
    await ctx.stdout.write(`package:/system/app/${name}/${name}.apk\n`);
    return 0;
  }
  return 1;
}

async function install(ctx: CommandContext, args: string[]): Promise<number> {
  let size: number | undefined;
  let allowDowngrade = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-S') size = Number(args[++i]);
    else if (a === '-d') allowDowngrade = true;
    else if (a === '-i' || a === '--user' || a === '--install-location' || a === '-p' || a === '--abi') i++;
    else if (!a.startsWith('-')) files.push(a);
  }
  let hostApk: string;
  let temp: string | undefined;
  if (files.length) {
    try {
      const st = ctx.device.fs.stat(ctx.device.fs.normalize(files[0], ctx.cwd));
      if (!st?.isFile()) throw Object.assign(new Error(), { code: 'ENOENT' });
      hostApk = ctx.device.fs.hostPath(files[0], ctx.cwd);
    } catch (err) {
      await ctx.stderr.write(`Error: Unable to open file: ${files[0]}\nConsider using a file under /data/local/tmp/\n`);
      await ctx.stdout.write(`Failure [INSTALL_FAILED_INVALID_APK: ${errnoText(err)}]\n`);
      return 1;
    }
  } else if (size !== undefined && Number.isSafeInteger(size) && size >= 0) {
    // The declared size is checked before a byte is read: the stream goes to a host file, and a
    // client claiming more than the device can store must not fill the host's disk instead.
    if (size > ctx.device.fs.free) {
      await ctx.stdout.write(`Failure [INSTALL_FAILED_INSUFFICIENT_STORAGE: ${size} bytes requested, ${ctx.device.fs.free} available]\n`);
      return 1;
    }
    temp = `/data/app/vmdl${randomBytes(4).toString('hex')}.tmp`;
    hostApk = ctx.device.fs.hostPath(temp);
    if (!(await readStdinTo(ctx, hostApk, size))) {
      await ctx.stdout.write('Failure [INSTALL_FAILED_INVALID_APK: the APK stream ended early]\n');
      return 1;
    }
  } else {
    await ctx.stderr.write('Error: must either specify a package size or an APK file\n');
    return 1;
  }
  try {
    const result = await ctx.device.packages.install(hostApk, { allowDowngrade });
    await ctx.stdout.write(result.message + '\n');
    return result.ok ? 0 : 1;
  } finally {
    if (temp && ctx.device.fs.stat(temp)) ctx.device.fs.remove(temp);
  }
}

/** Copies exactly `size` bytes of stdin (the streamed APK) to a host file. */
async function readStdinTo(ctx: CommandContext, hostFile: string, size: number): Promise<boolean> {
  const out = createWriteStream(hostFile);
  let got = 0;
  try {
    if (size > 0) {
      for await (const chunk of ctx.stdin.chunksIterable()) {
        const part = got + chunk.length > size ? chunk.subarray(0, size - got) : chunk;
        got += part.length;
        if (!out.write(part)) await new Promise<void>((r) => out.once('drain', () => r()));
        if (got >= size) break;
      }
    }
  } finally {
    await new Promise((r) => out.end(r));
  }
  return got === size;
}

async function uninstall(ctx: CommandContext, args: string[]): Promise<number> {
  const keep = args.includes('-k');
  const name = args.filter((a) => !a.startsWith('-')).pop();
  const result = name ? ctx.device.packages.uninstall(name, keep) : { ok: false, message: 'Failure [DELETE_FAILED_INTERNAL_ERROR]' };
  await ctx.stdout.write(result.message + '\n');
  return result.ok ? 0 : 1;
}

/** `cmd SERVICE …`: the package service is pm; activity is am; settings is settings. */
export function cmdCommand(services: Record<string, ShellCommand>): ShellCommand {
  return async (ctx) => {
    const [service, ...rest] = ctx.args;
    if (service === '-l') {
      await ctx.stdout.write(`Currently running services:\n${Object.keys(services).map((s) => `  ${s}\n`).join('')}`);
      return 0;
    }
    const target = service ? services[service] : undefined;
    if (!target) {
      await ctx.stderr.write(`cmd: Can't find service: ${service ?? ''}\n`);
      return 20;
    }
    return target({ ...ctx, name: service, args: rest });
  };
}
