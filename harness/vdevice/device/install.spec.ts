import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestFarm } from '../../test-support/farm.ts';
import { buildTestApk } from '../apps/test-apk.ts';

const PKG = 'dev.riofarm.hello';
let dir: string;
let apk: string;
let apkV2: string;
let notApk: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rio-install-'));
  apk = join(dir, 'hello.apk');
  apkV2 = join(dir, 'hello-v2.apk');
  notApk = join(dir, 'garbage.apk');
  writeFileSync(apk, await buildTestApk({ packageName: PKG, versionCode: 3, versionName: '1.3' }));
  writeFileSync(apkV2, await buildTestApk({ packageName: PKG, versionCode: 4, versionName: '1.4' }));
  writeFileSync(notApk, 'this is not a zip file');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each feature set makes the adb CLI pick a different install path, as phones of different ages do. */
const PATHS: Array<{ name: string; features: string[] | undefined; banner: RegExp; service: RegExp }> = [
  { name: 'abb_exec', features: undefined, banner: /Performing Streamed Install/, service: /^abb_exec:package\0install\0-S\0\d+$/ },
  { name: 'exec:cmd package', features: ['shell_v2', 'cmd', 'stat_v2'], banner: /Performing Streamed Install/, service: /^exec:cmd package 'install' -S \d+$/ },
  { name: 'push + pm install', features: ['shell_v2'], banner: /Performing Push Install/, service: /^shell,v2,TERM=xterm:pm 'install' '\/data\/local\/tmp\/hello\.apk'$/ },
];

for (const path of PATHS) {
  test(`adb install via ${path.name}: install, upgrade, version from the manifest, bad APK refused, uninstall`, async () => {
    const farm = await startTestFarm({ count: 1, adbFeatures: path.features });
    const s = farm.serials[0];
    const shell = async (cmd: string) => (await farm.adb(['-s', s, 'shell', cmd])).stdout;
    try {
      const r = await farm.adb(['-s', s, 'install', apk]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, path.banner);
      assert.ok(farm.vdevices[0].core.openedServices.some((o) => path.service.test(o)), farm.vdevices[0].core.openedServices.join('\n'));
      assert.match(r.stdout, /^Success$/m);
      assert.match(await shell(`dumpsys package ${PKG}`), /versionCode=3 minSdk=24 targetSdk=34\n\s+versionName=1\.3/);
      assert.match(await shell(`pm path ${PKG}`), new RegExp(`^package:/data/app/${PKG}-[\\w-]+/base\\.apk\\n$`));
      const up = await farm.adb(['-s', s, 'install', '-r', apkV2]);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      assert.match(await shell(`dumpsys package ${PKG}`), /versionName=1\.4/);
      const down = await farm.adb(['-s', s, 'install', '-r', apk]);
      assert.notEqual(down.code, 0);
      assert.match(down.stdout + down.stderr, /Failure \[INSTALL_FAILED_VERSION_DOWNGRADE/);
      const bad = await farm.adb(['-s', s, 'install', notApk]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stdout + bad.stderr, /Failure \[INSTALL_PARSE_FAILED_NOT_APK: /);
      const un = await farm.adb(['-s', s, 'uninstall', PKG]);
      assert.equal(un.stdout.trim(), 'Success');
      assert.equal(await shell(`pm list packages ${PKG}`), '');
      assert.match((await farm.adb(['-s', s, 'uninstall', PKG])).stdout, /Failure \[DELETE_FAILED_INTERNAL_ERROR\]/);
    } finally {
      await farm.stop();
    }
  });
}

test('adbkit install (push + pm install -r), isInstalled, getPackages, clear and uninstall', async () => {
  const farm = await startTestFarm({ count: 1 });
  try {
    const d = farm.client.getDevice(farm.serials[0]);
    assert.equal(await d.install(apk), true);
    assert.equal(await d.isInstalled(PKG), true);
    assert.ok((await d.getPackages()).includes(PKG));
    await farm.adb(['-s', farm.serials[0], 'shell', `mkdir -p /sdcard/Android/data/${PKG}/files; echo x > /sdcard/Android/data/${PKG}/files/f`]);
    assert.equal(await d.clear(PKG), true);
    assert.match((await farm.adb(['-s', farm.serials[0], 'shell', `ls /sdcard/Android/data/${PKG}/files`])).stderr, /No such file/);
    await assert.rejects(d.install(notApk), /INSTALL_PARSE_FAILED_NOT_APK/);
    assert.equal(await d.uninstall(PKG), true);
    assert.equal(await d.isInstalled(PKG), false);
    // adbkit removes its temp copy; nothing is left in /data/local/tmp
    assert.equal((await farm.adb(['-s', farm.serials[0], 'shell', 'ls /data/local/tmp'])).stdout, '');
  } finally {
    await farm.stop();
  }
});
