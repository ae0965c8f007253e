/** `npm run build:apk`: builds the demo APK (always) and prints what went in. */
import { ensureDemoApk } from './index.ts';
import { readApkIdentity } from './apk-manifest.ts';

const apk = await ensureDemoApk({ force: true });
const id = await readApkIdentity(apk.path);
console.log(`${apk.path}\n  sha256 ${apk.sha256}\n  ${id.packageName} ${id.versionName} (${id.versionCode}), activities ${id.activities.join(', ')}\n  model ${apk.modelSource} sha256 ${apk.modelSha256}`);
