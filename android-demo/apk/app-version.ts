/** The app's identity from android-demo/app/version.properties — the one file both builds read. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VERSION_PROPERTIES = fileURLToPath(new URL('../app/version.properties', import.meta.url));

export interface AppVersion { applicationId: string; versionName: string; versionCode: number; minSdk: number; targetSdk: number }

export function readAppVersion(path = VERSION_PROPERTIES): AppVersion {
  const props = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([\w.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) props.set(m[1]!, m[2]!);
  }
  const need = (k: string) => { const v = props.get(k); if (!v) throw new Error(`${path}: ${k} missing`); return v; };
  return {
    applicationId: need('applicationId'), versionName: need('versionName'), versionCode: Number(need('versionCode')),
    minSdk: Number(need('minSdk')), targetSdk: Number(need('targetSdk')),
  };
}
