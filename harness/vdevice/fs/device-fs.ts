/**
 * The vdevice's filesystem: a host folder standing in for the phone's `/`, with a storage quota.
 * Every device path goes through hostPath(), which refuses `..` and host paths, so nothing a
 * client sends can reach outside the root. Writes are counted against the quota so "storage
 * full" behaves like a full phone (ENOSPC) rather than like the host's disk.
 */
import { mkdirSync, readdirSync, lstatSync, rmSync, renameSync, writeFileSync, readFileSync, existsSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';

export class DeviceFsError extends Error {
  constructor(readonly code: 'ENOENT' | 'EACCES' | 'ENOSPC' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'EINVAL', message: string) {
    super(message);
  }
}

/** errno text as Android's toybox prints it */
export const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOSPC: 'No space left on device',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  ENOTEMPTY: 'Directory not empty',
};

/** Folders every phone has. */
const STANDARD_DIRS = ['/sdcard/Android/data', '/sdcard/Download', '/sdcard/DCIM', '/data/local/tmp', '/data/app',
  '/data/data', '/data/system', '/system/bin', '/system/etc', '/vendor', '/proc', '/dev'];

export function errnoText(err: unknown): string {
  const code = (err as { code?: string })?.code ?? '';
  return ERRNO_TEXT[code] ?? (err as Error)?.message ?? String(err);
}

export class DeviceFs {
  private usedBytes = 0;
  /** storage-full fault: every growth fails with ENOSPC */
  full = false;

  constructor(readonly root: string, public capacityBytes: number) {
    mkdirSync(root, { recursive: true });
    for (const d of STANDARD_DIRS) mkdirSync(join(root, d), { recursive: true });
    this.usedBytes = folderSize(root);
  }

  /** Recounts usage after writes that bypassed the quota (an app twin writing through hostPath). */
  resync(): void {
    this.usedBytes = folderSize(this.root);
  }

  get used(): number {
    return this.usedBytes;
  }

  get free(): number {
    return this.full ? 0 : Math.max(0, this.capacityBytes - this.usedBytes);
  }

  /** Normalises a device path against `cwd`; refuses `..` segments and host paths. */
  normalize(devicePath: string, cwd = '/'): string {
    if (typeof devicePath !== 'string' || devicePath.includes('\0')) throw new DeviceFsError('EINVAL', 'Invalid argument');
    if (devicePath.split('/').includes('..')) throw new DeviceFsError('EACCES', `${devicePath}: Permission denied`);
    const abs = devicePath.startsWith('/') ? devicePath : `${cwd}/${devicePath}`;
    if (abs.split('/').includes('..')) throw new DeviceFsError('EACCES', `${devicePath}: Permission denied`);
    if (abs === this.root || abs.startsWith(this.root + '/')) throw new DeviceFsError('EACCES', `${devicePath}: Permission denied`);
    const norm = posix.normalize(abs);
    return norm.length > 1 && norm.endsWith('/') ? norm.slice(0, -1) : norm;
  }

  /** Host path for a device path, confined to the root. */
  hostPath(devicePath: string, cwd = '/'): string {
    return join(this.root, this.normalize(devicePath, cwd));
  }

  /** Accounts for `delta` more bytes; throws ENOSPC when the quota (or the fault) forbids it. */
  reserve(delta: number): void {
    if (delta > 0 && (this.full || this.usedBytes + delta > this.capacityBytes)) {
      throw new DeviceFsError('ENOSPC', 'No space left on device');
    }
    this.usedBytes = Math.max(0, this.usedBytes + delta);
  }

  stat(devicePath: string): Stats | undefined {
    try {
      return lstatSync(this.hostPath(devicePath));
    } catch (err) {
      if (err instanceof DeviceFsError) throw err;
      return undefined;
    }
  }

  exists(devicePath: string): boolean {
    return existsSync(this.hostPath(devicePath));
  }

  mkdirp(devicePath: string): void {
    const host = this.hostPath(devicePath);
    try {
      mkdirSync(host, { recursive: true });
    } catch (err) {
      throw new DeviceFsError((err as { code?: string }).code === 'ENOTDIR' || (err as { code?: string }).code === 'EEXIST' ? 'ENOTDIR' : 'EACCES', errnoText(err));
    }
  }

  readFile(devicePath: string): Buffer {
    const st = this.stat(devicePath);
    if (!st) throw new DeviceFsError('ENOENT', `${devicePath}: No such file or directory`);
    if (st.isDirectory()) throw new DeviceFsError('EISDIR', `${devicePath}: Is a directory`);
    return readFileSync(this.hostPath(devicePath));
  }

  /** Writes (or appends) a whole file, within the quota. */
  writeFile(devicePath: string, data: Buffer | string, append = false): void {
    const host = this.hostPath(devicePath);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const st = this.stat(devicePath);
    if (st?.isDirectory()) throw new DeviceFsError('EISDIR', `${devicePath}: Is a directory`);
    const parent = this.stat(posix.dirname(this.normalize(devicePath)));
    if (!parent?.isDirectory()) throw new DeviceFsError('ENOENT', `${devicePath}: No such file or directory`);
    this.reserve(buf.length - (append ? 0 : (st?.size ?? 0)));
    writeFileSync(host, buf, { flag: append ? 'a' : 'w' });
  }

  list(devicePath: string): string[] {
    const st = this.stat(devicePath);
    if (!st) throw new DeviceFsError('ENOENT', `${devicePath}: No such file or directory`);
    if (!st.isDirectory()) throw new DeviceFsError('ENOTDIR', `${devicePath}: Not a directory`);
    return readdirSync(this.hostPath(devicePath)).sort();
  }

  remove(devicePath: string, recursive = false): void {
    const norm = this.normalize(devicePath);
    if (norm === '/') throw new DeviceFsError('EACCES', '/: Permission denied');
    const st = this.stat(norm);
    if (!st) throw new DeviceFsError('ENOENT', `${devicePath}: No such file or directory`);
    if (st.isDirectory() && !recursive) throw new DeviceFsError('EISDIR', `${devicePath}: Is a directory`);
    const host = this.hostPath(norm);
    const size = st.isDirectory() ? folderSize(host) : st.size;
    rmSync(host, { recursive: true, force: true });
    this.reserve(-size);
  }

  rename(from: string, to: string): void {
    const src = this.stat(from);
    if (!src) throw new DeviceFsError('ENOENT', `${from}: No such file or directory`);
    let dest = this.normalize(to);
    if (this.stat(dest)?.isDirectory()) dest = posix.join(dest, posix.basename(this.normalize(from)));
    const old = this.stat(dest);
    if (old && !old.isDirectory()) this.reserve(-old.size);
    renameSync(this.hostPath(from), this.hostPath(dest));
  }
}

/** Bytes under a host folder (files only, no symlinks followed). */
export function folderSize(host: string): number {
  let total = 0;
  let st: Stats;
  try {
    st = lstatSync(host);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  for (const name of readdirSync(host)) total += folderSize(join(host, name));
  return total;
}
