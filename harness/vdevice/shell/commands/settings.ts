/** `settings get|put|delete|list system|secure|global KEY [VALUE]`. */
import type { ShellCommand } from '../command.ts';
import type { SettingsNamespace } from '../../device/settings.ts';

const NAMESPACES = new Set(['system', 'secure', 'global']);

export const settings: ShellCommand = async (ctx) => {
  const args = ctx.args.filter((a, i) => !(a === '--user' || ctx.args[i - 1] === '--user'));
  const [verb, ns, key, ...value] = args;
  if (!verb || !ns || !NAMESPACES.has(ns)) {
    await ctx.stderr.write('usage:  settings [--user <USER_ID> | current] get namespace key\n        settings put namespace key value\n');
    return 1;
  }
  const s = ctx.device.settings;
  const n = ns as SettingsNamespace;
  switch (verb) {
    case 'get':
      await ctx.stdout.write(`${key === undefined ? 'null' : s.get(n, key) ?? 'null'}\n`);
      return 0;
    case 'put':
      if (key === undefined || value.length === 0) { await ctx.stderr.write('settings: put needs a key and a value\n'); return 1; }
      s.put(n, key, value.join(' '));
      return 0;
    case 'delete':
      await ctx.stdout.write(`Deleted ${key !== undefined && s.delete(n, key) ? 1 : 0} rows\n`);
      return 0;
    case 'list':
      await ctx.stdout.write(s.list(n).map(([k, v]) => `${k}=${v}\n`).join(''));
      return 0;
    default:
      await ctx.stderr.write(`settings: unknown verb ${verb}\n`);
      return 1;
  }
};
