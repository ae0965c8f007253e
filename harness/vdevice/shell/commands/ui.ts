/**
 * Screen commands: input (tap/swipe/keyevent/text), uiautomator dump, screencap (-p PNG or raw),
 * wm size/density. They act on the foreground app's AppTwinUi; with none, on a plain launcher.
 */
import { PNG } from 'pngjs';
import type { ShellCommand, CommandContext } from '../command.ts';
import { errnoText } from '../../fs/device-fs.ts';
import { screenRoot, uiDumpXml, type UiNode } from '../../../src/render/ui-dump.ts';

const LAUNCHER = 'com.android.launcher3';

const KEYCODES: Record<string, number> = { KEYCODE_HOME: 3, KEYCODE_BACK: 4, KEYCODE_DPAD_UP: 19, KEYCODE_DPAD_DOWN: 20,
  KEYCODE_POWER: 26, KEYCODE_ENTER: 66, KEYCODE_DEL: 67, KEYCODE_MENU: 82, KEYCODE_WAKEUP: 224, KEYCODE_APP_SWITCH: 187 };

function screenSize(ctx: CommandContext): { width: number; height: number } {
  const o = ctx.device.props.get('rio.wm.size');
  if (o) {
    const [w, h] = o.split('x').map(Number);
    return { width: w, height: h };
  }
  return { width: ctx.device.profile.screen.width, height: ctx.device.profile.screen.height };
}

function launcherHierarchy(ctx: CommandContext): string {
  const { width, height } = screenSize(ctx);
  const icons: UiNode[] = ctx.device.packages.list().map((p, i) => {
    const x = 40 + (i % 4) * Math.floor((width - 80) / 4);
    const y = 300 + Math.floor(i / 4) * 300;
    const w = Math.floor((width - 80) / 4) - 20;
    return { id: 'icon', cls: 'android.widget.TextView', text: p.name, desc: p.name, clickable: true, longClickable: true,
      bounds: { x1: x, y1: y, x2: x + w, y2: y + 260 } };
  });
  const workspace: UiNode = { id: 'workspace', cls: 'android.view.ViewGroup', desc: 'Home', scrollable: true,
    bounds: { x1: 0, y1: 0, x2: width, y2: height }, children: icons };
  return uiDumpXml({ package: LAUNCHER, width, height, root: screenRoot(width, height, [workspace]) });
}

/** A launcher screenshot: wallpaper gradient plus one tile per installed app. */
function launcherPixels(ctx: CommandContext): { width: number; height: number; data: Buffer } {
  const { width, height } = screenSize(ctx);
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const shade = 40 + Math.floor((80 * y) / height);
    const row = Buffer.from([20, shade, 90 + Math.floor(shade / 2), 255]);
    for (let x = 0; x < width; x++) row.copy(data, (y * width + x) * 4);
  }
  ctx.device.packages.list().forEach((_p, i) => {
    const x0 = 40 + (i % 4) * Math.floor((width - 80) / 4);
    const y0 = 300 + Math.floor(i / 4) * 300;
    for (let y = y0; y < Math.min(height, y0 + 200); y++) {
      for (let x = x0; x < Math.min(width, x0 + 200); x++) data.writeUInt32BE(0xf0f0f0ff, (y * width + x) * 4);
    }
  });
  return { width, height, data };
}

async function screenPng(ctx: CommandContext): Promise<Buffer> {
  const ui = ctx.device.am.foregroundUi();
  if (ui) return ui.screencap();
  const { width, height, data } = launcherPixels(ctx);
  const png = new PNG({ width, height, deflateLevel: 1 });
  data.copy(png.data);
  return PNG.sync.write(png, { deflateLevel: 1 });
}

export const screencap: ShellCommand = async (ctx) => {
  const png = ctx.args.includes('-p');
  const file = ctx.args.find((a) => !a.startsWith('-'));
  let out: Buffer;
  if (png || file?.endsWith('.png')) {
    out = await screenPng(ctx);
  } else {
    let pixels: { width: number; height: number; data: Buffer };
    const ui = ctx.device.am.foregroundUi();
    if (ui) {
      const decoded = PNG.sync.read(await ui.screencap());
      pixels = { width: decoded.width, height: decoded.height, data: decoded.data };
    } else {
      pixels = launcherPixels(ctx);
    }
    const header = Buffer.alloc(16);
    header.writeUInt32LE(pixels.width, 0);
    header.writeUInt32LE(pixels.height, 4);
    header.writeUInt32LE(1, 8); // PIXEL_FORMAT_RGBA_8888
    header.writeUInt32LE(0, 12); // dataspace (Android 9+)
    out = Buffer.concat([header, pixels.data]);
  }
  if (file) {
    try {
      ctx.device.fs.writeFile(ctx.device.fs.normalize(file, ctx.cwd), out);
    } catch (err) {
      await ctx.stderr.write(`Error opening file: ${file} (${errnoText(err)})\n`);
      return 1;
    }
    return 0;
  }
  await ctx.stdout.write(out);
  return 0;
};

export const uiautomator: ShellCommand = async (ctx) => {
  const [sub, ...rest] = ctx.args;
  if (sub !== 'dump') {
    await ctx.stderr.write('Usage: uiautomator <subcommand> [options]\n\nAvailable subcommands:\n\n  dump: creates an XML dump of current UI hierarchy\n');
    return 1;
  }
  const xml = ctx.device.am.foregroundUi()?.dumpHierarchy() ?? launcherHierarchy(ctx);
  const file = rest.find((a) => !a.startsWith('-')) ?? '/sdcard/window_dump.xml';
  if (file === '/dev/tty' || file === '/dev/stdout') {
    await ctx.stdout.write(xml + '\n');
  } else {
    try {
      ctx.device.fs.writeFile(ctx.device.fs.normalize(file, ctx.cwd), xml);
    } catch (err) {
      await ctx.stderr.write(`ERROR: could not write ${file}: ${errnoText(err)}\n`);
      return 1;
    }
  }
  // "hierchary" is how Android's uiautomator spells it; clients match on this line
  await ctx.stdout.write(`UI hierchary dumped to: ${file}\n`);
  return 0;
};

export const input: ShellCommand = async (ctx) => {
  let args = ctx.args;
  if (args[0] === 'touchscreen' || args[0] === 'keyboard') args = args.slice(1);
  const [sub, ...rest] = args;
  const nums = rest.map(Number);
  const ui = ctx.device.am.foregroundUi();
  const bad = async () => {
    await ctx.stderr.write(`Error: Invalid arguments for command: ${sub ?? ''}\nUsage: input [<source>] <command> [<arg>...]\n`);
    return 1;
  };
  switch (sub) {
    case 'tap':
      if (rest.length !== 2 || nums.some((n) => !Number.isFinite(n))) return bad();
      ui?.tap(nums[0], nums[1]);
      return 0;
    case 'swipe': case 'draganddrop': {
      if (rest.length < 4 || nums.some((n) => !Number.isFinite(n))) return bad();
      const ms = nums[4] ?? 300;
      ui?.swipe?.(nums[0], nums[1], nums[2], nums[3], ms);
      return 0;
    }
    case 'keyevent': {
      if (rest.length === 0) return bad();
      for (const k of rest) {
        const code = /^\d+$/.test(k) ? Number(k) : KEYCODES[k] ?? KEYCODES[`KEYCODE_${k}`];
        if (code === undefined) return bad();
        ui?.keyevent?.(code);
      }
      return 0;
    }
    case 'text':
      if (rest.length === 0) return bad();
      ctx.device.logcat.append(ctx.device.systemPid, 'D', 'Input', `text: ${rest.join(' ')}`);
      return 0;
    default:
      return bad();
  }
};

export const wm: ShellCommand = async (ctx) => {
  const [sub, value] = ctx.args;
  const p = ctx.device.profile.screen;
  if (sub === 'size') {
    if (value === 'reset') ctx.device.props.delete('rio.wm.size');
    else if (value) {
      // bounded: screencap allocates width×height×4 bytes
      const [w, h] = value.split('x').map(Number);
      if (!/^\d{2,4}x\d{2,4}$/.test(value) || w > 4096 || h > 4096) { await ctx.stderr.write(`Error: bad size ${value}\n`); return 1; }
      ctx.device.props.set('rio.wm.size', value);
    } else {
      const o = ctx.device.props.get('rio.wm.size');
      await ctx.stdout.write(`Physical size: ${p.width}x${p.height}\n${o ? `Override size: ${o}\n` : ''}`);
    }
    return 0;
  }
  if (sub === 'density') {
    await ctx.stdout.write(`Physical density: ${p.density}\n`);
    return 0;
  }
  await ctx.stderr.write('usage: wm [size|density] ...\n');
  return 1;
};
