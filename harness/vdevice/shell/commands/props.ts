/** getprop / setprop over the device's system properties. */
import type { ShellCommand } from '../command.ts';

export const getprop: ShellCommand = async (ctx) => {
  const props = ctx.device.props;
  if (ctx.args.length === 0) {
    const lines = [...props.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `[${k}]: [${v}]`);
    await ctx.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  await ctx.stdout.write(`${props.get(ctx.args[0]) ?? ctx.args[1] ?? ''}\n`);
  return 0;
};

export const setprop: ShellCommand = async (ctx) => {
  const [key, value = ''] = ctx.args;
  if (!key || ctx.args.length < 2) {
    await ctx.stderr.write('usage: setprop NAME VALUE\n');
    return 1;
  }
  // read-only properties are set once at boot; the shell user may not change them
  if (key.startsWith('ro.') || !/^[\w.\-@:]+$/.test(key) || value.length > 91) {
    await ctx.stderr.write(`setprop: failed to set property '${key}' to '${value}'\n`);
    return 1;
  }
  ctx.device.props.set(key, value);
  return 0;
};
