/**
 * Reads an APK's binary AndroidManifest.xml with @devicefarmer/adbkit-apkreader — the same reader
 * the harness uses — so the APK build and the host twin see the app's identity as adb tools do.
 */
import { createRequire } from 'node:module';
import { RioError } from '../../harness/src/errors.ts';

interface ApkReaderManifest {
  package: string;
  versionCode: number;
  versionName: string;
  usesSdk?: { minSdkVersion?: number; targetSdkVersion?: number };
  application?: { label?: string; activities?: { name: string; exported?: boolean; intentFilters?: unknown[] }[] };
}
interface ApkReaderStatic { open(apk: string | Buffer): Promise<{ readManifest(): Promise<ApkReaderManifest> }> }

const ApkReader = createRequire(import.meta.url)('@devicefarmer/adbkit-apkreader') as ApkReaderStatic;

export interface ApkIdentity {
  packageName: string;
  versionCode: number;
  versionName: string;
  minSdk?: number;
  targetSdk?: number;
  activities: string[];
}

/** Package, version and activity names of an APK (path or bytes). Throws RioError('BAD_APK'). */
export async function readApkIdentity(apk: string | Buffer): Promise<ApkIdentity> {
  try {
    const m = await (await ApkReader.open(apk)).readManifest();
    return {
      packageName: m.package,
      versionCode: m.versionCode,
      versionName: m.versionName,
      minSdk: m.usesSdk?.minSdkVersion,
      targetSdk: m.usesSdk?.targetSdkVersion,
      activities: (m.application?.activities ?? []).map((a) => a.name),
    };
  } catch (e) {
    throw new RioError('BAD_APK', `cannot read the APK manifest: ${e instanceof Error ? e.message : String(e)}`,
      typeof apk === 'string' ? { file: apk } : undefined, { cause: e });
  }
}
