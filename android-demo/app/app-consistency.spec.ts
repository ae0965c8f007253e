/**
 * What can be checked here of the Kotlin app without an Android SDK: the JNI bridge matches the
 * Kotlin `external fun`s (names and arity) and compiles; the Gradle build and the host APK build
 * describe the same app (identity from version.properties, same activities); the layout has the
 * CONTRACT.md UI ids the host twin also exposes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIVITIES } from '../apk/build-apk.ts';
import { readAppVersion } from '../apk/app-version.ts';
import { ensureDemoApk } from '../apk/index.ts';
import { readApkIdentity } from '../apk/apk-manifest.ts';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const read = (p: string) => readFileSync(at(p), 'utf8');
const KOTLIN_CORE = 'src/main/java/dev/riofarm/rio/RioCore.kt';
const JNI_BRIDGE = '../cpp/src/jni_bridge.cpp';

/** `Java_<package>_<class>_<method>` → method → JNI parameter count (without env and class). */
function jniFunctions(src: string, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of src.matchAll(new RegExp(`\\bJava_${prefix}_(\\w+)\\s*\\(([^)]*)\\)`, 'g'))) {
    out.set(m[1]!, m[2]!.split(',').length - 2);
  }
  // Any other Java_ symbol would be a typo that only fails at run time on the phone.
  const all = [...src.matchAll(/\bJava_\w+/g)].length;
  if (all !== out.size) throw new Error(`${all - out.size} JNI symbols outside ${prefix}`);
  return out;
}

function kotlinExternals(src: string): { prefix: string; funs: Map<string, number> } {
  const pkg = /^package\s+([\w.]+)/m.exec(src)![1]!;
  const obj = /^object\s+(\w+)/m.exec(src)![1]!;
  const funs = new Map<string, number>();
  for (const m of src.matchAll(/external\s+fun\s+(\w+)\s*\(([^)]*)\)/g)) {
    funs.set(m[1]!, m[2]!.split(',').map((s) => s.trim()).filter(Boolean).length);
  }
  return { prefix: `${pkg.replaceAll('_', '_1').replaceAll('.', '_')}_${obj}`, funs };
}

test('JNI symbols in the C++ bridge match the Kotlin external funs, with the same arity', () => {
  const k = kotlinExternals(read(KOTLIN_CORE));
  const jni = jniFunctions(read(JNI_BRIDGE), k.prefix);
  assert.ok(k.funs.size >= 3, 'RioCore declares its external funs');
  assert.deepEqual([...jni.keys()].sort(), [...k.funs.keys()].sort());
  for (const [name, arity] of k.funs) assert.equal(jni.get(name), arity, `${name} arity`);
  // @JvmStatic in an object: JNI receives the class, which is what the bridge's jclass parameter expects.
  assert.match(read(KOTLIN_CORE), /@JvmStatic external fun nativeDetect/);
  assert.match(read(KOTLIN_CORE), /System\.loadLibrary\("rio_core"\)/);
  assert.match(read('../cpp/CMakeLists.txt'), /add_library\(rio_core SHARED/);
});

test('the JNI bridge compiles (host JDK jni.h, NDK bitmap.h stand-in)', () => {
  const jvms = existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').map((d) => `/usr/lib/jvm/${d}`) : [];
  const jdk = jvms.find((d) => existsSync(`${d}/include/jni.h`) && existsSync(`${d}/include/linux/jni_md.h`));
  assert.ok(jdk, 'JDK headers (jni.h) are installed: bash harness/setup/system-packages.sh installs openjdk-17-jdk-headless');
  const opencv = execFileSync('pkg-config', ['--cflags', 'opencv4'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('g++', ['-std=c++17', '-fsyntax-only', '-Wall', '-Werror', `-I${jdk!}/include`, `-I${jdk!}/include/linux`,
    `-I${at('test-support')}`, ...opencv, at(JNI_BRIDGE)], { stdio: 'pipe' });
});

test('Gradle and the host APK build describe the same app', async () => {
  const gradle = read('build.gradle.kts');
  // Gradle takes every identity value from version.properties — none hard-coded.
  for (const key of ['applicationId', 'versionCode', 'versionName', 'minSdk', 'targetSdk']) {
    assert.match(gradle, new RegExp(`appVersion\\.getProperty\\("${key}"\\)`), `${key} from version.properties`);
  }
  assert.match(gradle, /file\("version\.properties"\)/);
  assert.doesNotMatch(read('src/main/AndroidManifest.xml'), /android:versionCode|android:versionName|package="/);
  const gradleActivities = [...read('src/main/AndroidManifest.xml').matchAll(/<activity\s+android:name="([\w.]+)"/g)].map((m) => m[1]);
  const v = readAppVersion();
  assert.deepEqual(gradleActivities.sort(), ACTIVITIES.map((a) => `${v.applicationId}.${a}`).sort());
  // And the APK actually built reads back with those values.
  const id = await readApkIdentity((await ensureDemoApk()).path);
  assert.deepEqual([id.packageName, id.versionName, id.versionCode, id.minSdk, id.targetSdk], [v.applicationId, v.versionName, v.versionCode, v.minSdk, v.targetSdk]);
  assert.deepEqual(id.activities.sort(), gradleActivities.sort());
  // Same model bytes: Gradle packs the release model or the one the APK build used.
  assert.match(gradle, /model\/release\/rio\.tflite/);
  assert.match(gradle, /\.rio-farm\/apk\/rio\.tflite/);
});

test('the layout carries every UI id of CONTRACT.md, as the host twin does', () => {
  const contract = read('../CONTRACT.md');
  const ids = new Set([...contract.matchAll(/dev\.riofarm\.rio:id\/(\w+)/g)].map((m) => m[1]!));
  const layout = read('src/main/res/layout/activity_main.xml');
  const twin = read('../host/preview-activity.ts');
  assert.ok(ids.size >= 9);
  for (const id of ids) {
    assert.match(layout, new RegExp(`@\\+id/${id}"`), `layout has ${id}`);
    assert.match(twin, new RegExp(`'${id}'`), `twin has ${id}`);
  }
});
