/** The device's command table: name → implementation (what /system/bin holds on this phone). */
import type { ShellCommand } from '../command.ts';
import { echo, sleepCommand, trueCommand, falseCommand, sh, id, whoami, pwd, uname, date, pidof, ps } from './basic.ts';
import { grep, head, tail, wc, cat } from './text.ts';
import { ls, rm, mkdir, mv, cp, touch, chmod, stat, df, md5sum, sha1sum, sha256sum } from './files.ts';
import { getprop, setprop } from './props.ts';
import { pm, cmdCommand } from './pm.ts';
import { am } from './am.ts';
import { dumpsys } from './dumpsys.ts';
import { logcat } from './logcat.ts';
import { input, uiautomator, screencap, wm } from './ui.ts';
import { settings } from './settings.ts';
import { testCommand } from './test.ts';

const base: Record<string, ShellCommand> = {
  echo, sleep: sleepCommand, true: trueCommand, false: falseCommand, sh, id, whoami, pwd, uname, date, pidof, ps,
  grep, head, tail, wc, cat, ls, rm, mkdir, mv, cp, touch, chmod, stat, df, md5sum, sha1sum, sha256sum,
  getprop, setprop, pm, am, test: testCommand, '[': testCommand, dumpsys, logcat, input, uiautomator, screencap, wm, settings,
};

export const COMMANDS: ReadonlyMap<string, ShellCommand> = new Map(Object.entries({
  ...base,
  cmd: cmdCommand({ package: pm, activity: am, settings, window: wm, input }),
}));
