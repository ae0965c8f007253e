/**
 * The package manager: installs APKs (validated like a phone: must be a zip with a binary
 * AndroidManifest.xml, which names the package, version and activities), keeps the installed list
 * in /data/system/packages.json on the device so it survives a restart, and uninstalls/clears.
 * Answers are Android's own strings (`Success`, `Failure [INSTALL_…: …]`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { openSync, readSync, closeSync, copyFileSync, readFileSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { posix } from 'node:path';
import { createRequire } from 'node:module';
import type { DeviceCore } from './core.ts';

const require = createRequire(import.meta.url);
const ApkReader = require('@devicefarmer/adbkit-apkreader') as {
  open(file: string): Promise<{ readManifest(): Promise<ApkManifest> }>;
};

interface ApkManifest {
  package?: string;
  versionCode?: number;
  versionName?: string;
  usesSdk?: { minSdkVersion?: number; targetSdkVersion?: number };
  application?: { label?: string; activities?: Array<{ name?: string; intentFilters?: Array<{ categories?: Array<{ name?: string }> }> }> };
}

export interface InstalledPackage {
  name: string;
  versionCode: number;
  versionName: string;
  minSdk: number;
  targetSdk: number;
  /** device path of the installed base.apk */
  apkPath: string;
  /** fully qualified activity class names */
  activities: string[];
  launcherActivity?: string;
  sha256: string;
  userId: number;
  firstInstallTime: number;
  lastUpdateTime: number;
}

export interface InstallResult {
  ok: boolean;
  /** `Success` or `Failure [CODE: detail]` */
  message: string;
  pkg?: InstalledPackage;
}

const DB = '/data/system/packages.json';

export class PackageManager {
  private packages = new Map<string, InstalledPackage>();

  constructor(private readonly core: DeviceCore) {
    try {
      const list = JSON.parse(readFileSync(core.fs.hostPath(DB), 'utf8')) as InstalledPackage[];
      for (const p of list) this.packages.set(p.name, p);
    } catch {
      // a fresh device
    }
  }

  list(): InstalledPackage[] {
    return [...this.packages.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): InstalledPackage | undefined {
    return this.packages.get(name);
  }

  /** Installs an APK from a host file (already inside or outside the device). */
  async install(hostApk: string, opts: { allowDowngrade?: boolean } = {}): Promise<InstallResult> {
    const session = `/data/app/vmdl${randomBytes(4).readUInt32LE() % 1e9}.tmp/base.apk`;
    if (!isZip(hostApk)) {
      return fail(`INSTALL_PARSE_FAILED_NOT_APK: Failed to parse ${session}: Failed to load asset path ${session}`);
    }
    let manifest: ApkManifest;
    try {
      manifest = await (await ApkReader.open(hostApk)).readManifest();
    } catch (err) {
      return fail(`INSTALL_PARSE_FAILED_BAD_MANIFEST: Failed to parse ${session}: ${(err as Error).message.split('\n')[0]}`);
    }
    const name = manifest.package;
    if (!name || !/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/.test(name)) {
      return fail(`INSTALL_PARSE_FAILED_BAD_PACKAGE_NAME: Invalid manifest package: ${String(name)}`);
    }
    const versionCode = Number(manifest.versionCode ?? 0);
    const old = this.packages.get(name);
    if (old && versionCode < old.versionCode && !opts.allowDowngrade) {
      return fail(`INSTALL_FAILED_VERSION_DOWNGRADE: Downgrade detected: Update version code ${versionCode} is older than current ${old.versionCode}`);
    }
    const minSdk = Number(manifest.usesSdk?.minSdkVersion ?? 1);
    if (minSdk > this.core.profile.android.sdk) {
      return fail(`INSTALL_FAILED_OLDER_SDK: Requires newer sdk version #${minSdk} (current version is #${this.core.profile.android.sdk})`);
    }
    const size = statSync(hostApk).size;
    const dir = `/data/app/${name}-${randomBytes(8).toString('base64url')}`;
    const apkPath = `${dir}/base.apk`;
    try {
      this.core.fs.reserve(size);
    } catch {
      return fail('INSTALL_FAILED_INSUFFICIENT_STORAGE: Failed to allocate space for the package');
    }
    if (old) this.core.am.forceStop(name, 'installPackageLI');
    if (old) this.removeFiles(old, false);
    mkdirSync(this.core.fs.hostPath(dir), { recursive: true });
    copyFileSync(hostApk, this.core.fs.hostPath(apkPath));
    const activities = (manifest.application?.activities ?? [])
      .map((a) => a.name ?? '').filter(Boolean).map((a) => (a.startsWith('.') ? name + a : a.includes('.') ? a : `${name}.${a}`));
    const launcher = (manifest.application?.activities ?? []).find((a) =>
      a.intentFilters?.some((f) => f.categories?.some((c) => c.name === 'android.intent.category.LAUNCHER')));
    const now = Date.now();
    const pkg: InstalledPackage = {
      name, versionCode, versionName: String(manifest.versionName ?? ''), minSdk,
      targetSdk: Number(manifest.usesSdk?.targetSdkVersion ?? minSdk), apkPath, activities,
      launcherActivity: launcher?.name ? (launcher.name.startsWith('.') ? name + launcher.name : launcher.name) : undefined,
      sha256: createHash('sha256').update(readFileSync(hostApk)).digest('hex'),
      userId: old?.userId ?? 10100 + this.packages.size,
      firstInstallTime: old?.firstInstallTime ?? now, lastUpdateTime: now,
    };
    this.core.fs.mkdirp(`/data/data/${name}`);
    this.packages.set(name, pkg);
    this.save();
    this.core.logcat.append(this.core.systemPid, 'I', 'PackageManager', `${old ? 'Update' : 'Install'} package ${name} versionCode=${versionCode} path=${apkPath}`);
    this.core.emit('install', { package: name });
    return { ok: true, message: 'Success', pkg };
  }

  uninstall(name: string, keepData = false): InstallResult {
    const pkg = this.packages.get(name);
    if (!pkg) return fail('DELETE_FAILED_INTERNAL_ERROR');
    this.core.am.forceStop(name, 'uninstall');
    this.removeFiles(pkg, !keepData);
    this.packages.delete(name);
    this.save();
    this.core.logcat.append(this.core.systemPid, 'I', 'PackageManager', `Removed package ${name}`);
    return { ok: true, message: 'Success' };
  }

  /** `pm clear`: wipes the app's data (internal and external), keeps the APK. */
  clear(name: string): boolean {
    if (!this.packages.has(name)) return false;
    this.core.am.forceStop(name, 'clear data');
    for (const d of [`/data/data/${name}`, `/sdcard/Android/data/${name}`]) {
      if (this.core.fs.exists(d)) this.core.fs.remove(d, true);
    }
    this.core.fs.mkdirp(`/data/data/${name}`);
    return true;
  }

  private removeFiles(pkg: InstalledPackage, data: boolean): void {
    const dir = posix.dirname(pkg.apkPath);
    if (this.core.fs.exists(dir)) this.core.fs.remove(dir, true);
    if (data) {
      for (const d of [`/data/data/${pkg.name}`, `/sdcard/Android/data/${pkg.name}`]) {
        if (this.core.fs.exists(d)) this.core.fs.remove(d, true);
      }
    }
  }

  private save(): void {
    // system bookkeeping: written directly, outside the user-data quota
    writeFileSync(this.core.fs.hostPath(DB), JSON.stringify(this.list(), null, 1));
  }
}

function fail(detail: string): InstallResult {
  return { ok: false, message: `Failure [${detail}]` };
}

function isZip(hostFile: string): boolean {
  const fd = openSync(hostFile, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}
