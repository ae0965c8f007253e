import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PNG } from 'pngjs';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';
import type { Fault } from '../device/faults.ts';
import { buildTestApk } from './test-apk.ts';

const PKG = 'dev.riofarm.hello';
const FILES = `/sdcard/Android/data/${PKG}/files`;

async function helloFarm(faults?: Fault[]): Promise<{ farm: TestFarm; shell: (cmd: string) => Promise<{ stdout: string; stderr: string; code: number }>; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rio-hello-'));
  const apk = join(dir, 'hello.apk');
  writeFileSync(apk, await buildTestApk({ packageName: PKG, activities: ['MainActivity'] }));
  const farm = await startTestFarm({ count: 1, faults });
  const r = await farm.adb(['-s', farm.serials[0], 'install', apk]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return {
    farm,
    shell: (cmd) => farm.adb(['-s', farm.serials[0], 'shell', cmd]),
    cleanup: async () => { await farm.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error('condition not met in time');
}

test('am start -W runs the installed package\'s twin: extras in, file and logcat out, Android-style output', async () => {
  const { shell, cleanup } = await helloFarm();
  try {
    const r = await shell(`am start -W -n ${PKG}/.MainActivity --es message 'hi there' --ei frames 3 --ez flag true --ef scale 0.5`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Starting: Intent \\{ cmp=${PKG}/.MainActivity \\(has extras\\) \\}\\nStatus: ok\\nLaunchState: COLD\\nActivity: ${PKG}/.MainActivity\\nTotalTime: \\d+\\nWaitTime: \\d+\\nComplete\\n$`));
    await waitFor(async () => (await shell(`cat ${FILES}/hello.txt`)).stdout === 'hi there\n');
    const log = (await shell('logcat -d -v brief HELLO:I *:S')).stdout;
    assert.match(log, /I\/HELLO\s*\(\s*(\d+)\): started dev\.riofarm\.hello\.MainActivity apk=true/);
    assert.match(log, /frame 2 thermal=0/);
    assert.match(log, /done frames=3/);
    const bad = await shell(`am start -n ${PKG}/.Nope`);
    assert.match(bad.stdout, /Error: Activity class \{dev\.riofarm\.hello\/dev\.riofarm\.hello\.Nope\} does not exist\./);
    assert.match((await shell(`am start -n ${PKG}/.MainActivity --ei frames many`)).stderr, /Invalid integer argument: many/);
  } finally {
    await cleanup();
  }
});

test('input, uiautomator dump and screencap go to the running app\'s UI; force-stop ends it', async () => {
  const { farm, shell, cleanup } = await helloFarm();
  try {
    assert.equal((await shell(`am start -W -n ${PKG}/.MainActivity`)).code, 0);
    assert.match((await shell('uiautomator dump /dev/tty')).stdout, /text="Tapped 0" resource-id="dev\.riofarm\.hello:id\/button"/);
    await shell('input tap 200 200');
    assert.match((await shell('uiautomator dump /dev/tty')).stdout, /text="Tapped 1"/);
    const png = PNG.sync.read((await farm.client.getDevice(farm.serials[0]).screencap().then(async (s: NodeJS.ReadableStream) => {
      const parts: Buffer[] = [];
      for await (const c of s) parts.push(c as Buffer);
      return Buffer.concat(parts);
    })));
    assert.deepEqual([png.width, png.height, png.data[0]], [64, 64, 0]); // odd tap count paints red off
    assert.match((await shell('dumpsys activity top')).stdout, new RegExp(`ACTIVITY ${PKG}/.MainActivity`));
    const pid = (await shell(`pidof ${PKG}`)).stdout.trim();
    assert.match(pid, /^\d+$/);
    assert.match((await shell(`dumpsys meminfo ${PKG}`)).stdout, new RegExp(`\\*\\* MEMINFO in pid ${pid} \\[${PKG}\\] \\*\\*[\\s\\S]*TOTAL PSS:\\s+\\d+`));
    assert.equal((await shell('input swipe 10 10 300 300 200; input keyevent KEYCODE_BACK 66; input text hello')).code, 0);
    const badInput = await shell('input tap 10');
    assert.equal(badInput.code, 1);
    assert.match(badInput.stderr, /Error: Invalid arguments for command: tap/);
    await shell(`am force-stop ${PKG}`);
    assert.equal((await shell(`pidof ${PKG}`)).code, 1);
    assert.match((await shell('uiautomator dump /dev/tty')).stdout, /package="com\.android\.launcher3"/);
  } finally {
    await cleanup();
  }
});

test('an injected crash at frame K kills the app with Android\'s FATAL EXCEPTION lines', async () => {
  const { shell, cleanup } = await helloFarm([{ kind: 'crash', frame: 2 }]);
  try {
    await shell(`am start -W -n ${PKG}/.MainActivity --ei frames 5`);
    await waitFor(async () => /has died/.test((await shell('logcat -d ActivityManager:I *:S')).stdout));
    const log = (await shell('logcat -d -v brief')).stdout;
    const pid = /Process: dev\.riofarm\.hello, PID: (\d+)/.exec(log)?.[1];
    assert.ok(pid, log);
    assert.match(log, /E\/AndroidRuntime\(\s*\d+\): FATAL EXCEPTION: main/);
    assert.match(log, /java\.lang\.IllegalStateException: injected fault: crash at frame 2/);
    assert.match(log, /frame 1 thermal/);
    assert.doesNotMatch(log, /frame 2 thermal|done frames/);
    assert.equal((await shell(`cat ${FILES}/hello.txt`)).code, 1);
    assert.equal((await shell(`pidof ${PKG}`)).code, 1);
  } finally {
    await cleanup();
  }
});

test('sustained load heats the device (dumpsys thermalservice, battery temperature) and hot frames really slow down', async () => {
  const { shell, cleanup } = await helloFarm([{ kind: 'thermal', heatPerBusySecond: 40 }]);
  try {
    const temp = async () => Number(/temperature: (\d+)/.exec((await shell('dumpsys battery')).stdout)![1]) / 10;
    const before = await temp();
    const t0 = Date.now();
    await shell(`am start -W -n ${PKG}/.MainActivity --ei frames 60 --ei work_ms 20`);
    await waitFor(async () => /done frames=60/.test((await shell('logcat -d -s HELLO')).stdout), 30_000);
    const elapsed = Date.now() - t0;
    const after = await temp();
    assert.ok(after > before + 10, `battery ${before} → ${after} °C`);
    const status = Number(/^Thermal Status: (\d)/m.exec((await shell('dumpsys thermalservice')).stdout)![1]);
    assert.ok(status >= 2, `thermal status ${status}`);
    // each frame logs how long beforeWork held it back: nothing while cool, at least half the
    // frame's 20 ms of work once MODERATE or hotter (the duty cycle), whatever the machine's load
    const log = (await shell('logcat -d -s HELLO')).stdout;
    const frames = [...log.matchAll(/frame (\d+) thermal=(\d) waited=([\d.]+)$/gm)].map((m) => ({ k: Number(m[1]), status: Number(m[2]), waited: Number(m[3]) }));
    assert.equal(frames.length, 60);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cool = frames.filter((f) => f.status === 0 && f.k > 0).map((f) => f.waited);
    const hot = frames.filter((f) => f.status >= 2).map((f) => f.waited);
    assert.ok(cool.length >= 5 && hot.length >= 10, `cool ${cool.length} frames, hot ${hot.length}`);
    assert.ok(median(cool) < 5, `cool frames waited ${median(cool)} ms`);
    assert.ok(median(hot) >= 10, `hot frames waited ${median(hot)} ms (run took ${elapsed} ms)`);
  } finally {
    await cleanup();
  }
});
