/**
 * Builds small unsigned APKs for tests (the hello app, version bumps): a zip holding a binary
 * AndroidManifest.xml encoded by the app engineer's AXML writer (android-demo/apk/binary-xml.ts),
 * so the vdevice parses it with the same reader it uses for the real demo APK.
 */
import yazl from 'yazl';
import { encodeBinaryXml, type XmlElement } from '../../../android-demo/apk/binary-xml.ts';

export interface TestApkSpec {
  packageName: string;
  versionCode?: number;
  versionName?: string;
  minSdk?: number;
  /** simple class names, e.g. ['MainActivity'] (the first is the launcher) */
  activities?: string[];
}

export function testManifest(spec: TestApkSpec): XmlElement {
  const activities = spec.activities ?? ['MainActivity'];
  return {
    name: 'manifest',
    attrs: { 'android:versionCode': spec.versionCode ?? 1, 'android:versionName': spec.versionName ?? '1.0', package: spec.packageName },
    children: [
      { name: 'uses-sdk', attrs: { 'android:minSdkVersion': spec.minSdk ?? 24, 'android:targetSdkVersion': 34 } },
      { name: 'application', attrs: { 'android:label': 'test' }, children: activities.map((a, i) => ({
        name: 'activity', attrs: { 'android:name': `${spec.packageName}.${a}`, 'android:exported': true },
        children: i === 0 ? [{ name: 'intent-filter', children: [
          { name: 'action', attrs: { 'android:name': 'android.intent.action.MAIN' } },
          { name: 'category', attrs: { 'android:name': 'android.intent.category.LAUNCHER' } }] }] : [],
      })) },
    ],
  };
}

export function buildTestApk(spec: TestApkSpec): Promise<Buffer> {
  const z = new yazl.ZipFile();
  z.addBuffer(encodeBinaryXml(testManifest(spec)), 'AndroidManifest.xml', { mtime: new Date(Date.UTC(2024, 0, 1)) });
  z.addBuffer(Buffer.from('dex\n035\0'), 'classes.dex', { mtime: new Date(Date.UTC(2024, 0, 1)) });
  z.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    z.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}
