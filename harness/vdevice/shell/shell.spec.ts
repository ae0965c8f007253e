import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import adbkit from '@devicefarmer/adbkit';
import { startTestFarm, type TestFarm } from '../../test-support/farm.ts';

const { Adb } = adbkit;
let farm: TestFarm;
let serial: string;
before(async () => {
  farm = await startTestFarm({ count: 1 });
  serial = farm.serials[0];
});
after(async () => farm?.stop());

/** `adb shell CMD` through the CLI (shell_v2: separate stderr, real exit code). */
const adbShell = (cmd: string) => farm.adb(['-s', serial, 'shell', cmd]);
/** adbkit's legacy `shell:` (stderr merged, no exit code). */
const legacy = async (cmd: string) => (await Adb.util.readAll(await farm.client.getDevice(serial).shell(cmd))).toString('utf8');

test('adb shell (shell_v2) keeps stdout and stderr apart and returns the exit code', async () => {
  assert.deepEqual(await adbShell('echo out; ls /missing; exit 7'),
    { stdout: 'out\n', stderr: 'ls: /missing: No such file or directory\n', code: 7 });
  assert.deepEqual(await adbShell('frobnicate --now'),
    { stdout: '', stderr: '/system/bin/sh: frobnicate: inaccessible or not found\n', code: 127 });
  assert.equal((await adbShell('false')).code, 1);
  assert.equal((await adbShell('echo "unterminated')).code, 1);
});

test('adbkit legacy shell merges stderr into the output', async () => {
  assert.equal(await legacy('echo a; nosuchcmd'), 'a\n/system/bin/sh: nosuchcmd: inaccessible or not found\n');
});

test('the tokenizer honours quotes, escapes, variables, ; && || and $?', async () => {
  assert.equal(await legacy(`echo 'single $HOME' "double $USER" a\\ b`), 'single $HOME double shell a b\n');
  assert.equal(await legacy('false && echo no; false || echo yes; true && echo and'), 'yes\nand\n');
  assert.equal(await legacy('ls /nope 2>/dev/null; echo $?'), '1\n');
  assert.equal(await legacy('export A=1; B=2; echo "$A-${B}-$(getprop ro.rio.virtual)"'), '1-2-1\n');
  assert.equal(await legacy('X=5 sh -c \'echo inner $X\'; echo "[$X]"'), 'inner 5\n[]\n');
  assert.match(await legacy(`echo ${'$('.repeat(40)}echo deep${')'.repeat(40)}`), /too many nested shells/);
});

test('pipes stream into grep, head, tail and wc', async () => {
  assert.equal(await legacy('getprop | grep -c ro.product.model'), '1\n');
  assert.equal(await legacy('pm list packages | grep android | head -n 2'), 'package:android\npackage:com.android.inputmethod.latin\n');
  assert.equal(await legacy('pm list packages | tail -n 1'), 'package:com.android.systemui\n');
  assert.equal(await legacy('echo "a b c" | wc -w'), '3\n');
  // head ends a streaming logcat upstream, the way SIGPIPE would
  assert.equal((await legacy('logcat -v brief | head -n 1')).split('\n').length, 2);
});

test('redirects write files, 2>&1 merges, exec and while loops run', async () => {
  assert.equal(await legacy('echo one > /data/local/tmp/r.txt; echo two >> /data/local/tmp/r.txt; cat /data/local/tmp/r.txt'), 'one\ntwo\n');
  const merged = await adbShell('ls /nope 2>&1');
  assert.deepEqual([merged.stdout, merged.stderr], ['ls: /nope: No such file or directory\n', '']);
  assert.equal(await legacy('exec echo replaced'), 'replaced\n');
  assert.equal(await legacy('n=; while [ "$n" != "xxx" ]; do n="${n}x"; echo $n; done'), 'x\nxx\nxxx\n');
  assert.equal(await legacy('if [ -d /sdcard ] && [ ! -e /sdcard/none ]; then echo yes; else echo no; fi'), 'yes\n');
  assert.equal(await legacy('for f in a b; do echo $f; done'), 'a\nb\n');
  assert.equal(await legacy('while getprop sys.boot_completed 2>/dev/null | grep -q 0; do sleep 1; done; echo booted'), 'booted\n');
});

test('unquoted *, ? and [..] expand against the device filesystem; no match or quotes keep the word', async () => {
  await legacy('mkdir -p /sdcard/g/runs/r1 /sdcard/g/runs/r2; touch /sdcard/g/a.jpg /sdcard/g/b.jpg /sdcard/g/c.txt /sdcard/g/.hidden.jpg');
  assert.equal(await legacy('echo /sdcard/g/*.jpg'), '/sdcard/g/a.jpg /sdcard/g/b.jpg\n');
  assert.equal(await legacy('cd /sdcard/g; echo ?.txt [ab].jpg'), 'c.txt a.jpg b.jpg\n');
  assert.equal(await legacy('echo "/sdcard/g/*.jpg" /sdcard/g/*.png'), '/sdcard/g/*.jpg /sdcard/g/*.png\n');
  assert.equal(await legacy('rm -rf /sdcard/g/runs/*; ls /sdcard/g/runs; echo done'), 'done\n');
  assert.equal(await legacy('for f in /sdcard/g/*.jpg; do echo "[$f]"; done'), '[/sdcard/g/a.jpg]\n[/sdcard/g/b.jpg]\n');
  assert.equal(await legacy('rm -r /sdcard/g; echo *:I'), '*:I\n');
});

test('file commands work inside the device and cannot leave its root', async () => {
  assert.equal(await legacy('mkdir -p /sdcard/a/b && echo hi > /sdcard/a/b/f && mv /sdcard/a/b/f /sdcard/a/g && ls /sdcard/a'), 'b\ng\n');
  assert.equal(await legacy('md5sum /sdcard/a/g; sha256sum /sdcard/a/g'),
    '764efa883dda1e11db47671c4a3bbd9e  /sdcard/a/g\n98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4  /sdcard/a/g\n');
  assert.equal(await legacy('stat -c "%s %F" /sdcard/a/g /sdcard/a'), '3 regular file\n4096 directory\n'.replace('4096', (await legacy('stat -c %s /sdcard/a')).trim()));
  assert.match(await legacy('cat /sdcard/../../etc/passwd'), /Permission denied/);
  assert.match(await legacy('cd /data/../..; pwd'), /Permission denied\n\/\n/);
  assert.match(await legacy(`cat ${process.cwd()}/package.json`), /No such file or directory|Permission denied/);
  assert.equal(await legacy('rm -r /sdcard/a; ls /sdcard/a 2>&1'), 'ls: /sdcard/a: No such file or directory\n');
});

test('$((…)) evaluates 32-bit integer arithmetic with precedence, parentheses, comparisons and variables', async () => {
  assert.equal(await legacy('echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((7 / 2)) $((-7 / 2)) $((7 % 3)) $((-7 % 3))'), '7 9 3 -3 1 -1\n');
  assert.equal(await legacy('echo $((3 < 4)) $((3 >= 4)) $((2 == 2)) $((2 != 2)) $((!0)) $((1 && 0 || 1)) $((0x10 + 1))'), '1 0 1 0 1 1 17\n');
  assert.equal(await legacy('i=5; n=i; echo $((i * 2)) $(($i + 1)) $((${i} - 1)) $((n + 1)) $((unset_var + 1))'), '10 6 4 6 1\n');
  assert.equal(await legacy('i=0; while [ $i -lt 3 ]; do echo "i=$i"; i=$((i + 1)); done'), 'i=0\ni=1\ni=2\n');
  assert.equal(await legacy('echo $((2147483647 + 1))'), '-2147483648\n', 'wraps like mksh (32-bit)');
  assert.equal(await legacy("echo \"$((1+1))\" '$((1+1))' $( (echo sub) )"), '2 $((1+1)) sub\n');
  const zero = await adbShell('echo $((1 / 0)); echo after');
  assert.deepEqual(zero, { stdout: '', stderr: '/system/bin/sh: 1 / 0: zero divisor\n', code: 1 });
  assert.match((await adbShell('echo $((1 +))')).stderr, /missing operand/);
  assert.match((await adbShell(`echo $((${'('.repeat(300)}1${')'.repeat(300)}))`)).stderr, /nested too deeply/);
});
