/** `dumpsys battery | thermalservice | meminfo PKG | package PKG | activity top|activities | window`. */
import type { ShellCommand, CommandContext } from '../command.ts';
import type { InstalledPackage } from '../../device/packages.ts';
import { THERMAL_NAMES } from '../../device/thermal.ts';

function battery(ctx: CommandContext): string {
  const b = ctx.device.battery();
  return ['Current Battery Service state:', '  AC powered: false', `  USB powered: ${b.plugged === 'usb'}`, '  Wireless powered: false',
    '  Max charging current: 500000', '  Max charging voltage: 5000000', '  Charge counter: 2500000', `  status: ${b.status}`,
    '  health: 2', '  present: true', `  level: ${b.level}`, '  scale: 100', '  voltage: 4123',
    `  temperature: ${Math.round(b.tempC * 10)}`, '  technology: Li-ion', ''].join('\n');
}

function thermal(ctx: CommandContext): string {
  const t = ctx.device.thermal;
  const temp = t.tempC();
  const status = t.status();
  const cpu = (temp + 4).toFixed(1);
  return ['IsStatusOverride: false', 'ThermalEventListeners:', '\tcallbacks: 0', 'ThermalStatusListeners:', '\tcallbacks: 0',
    `Thermal Status: ${status}`, 'Cached temperatures:',
    `\tTemperature{mValue=${temp.toFixed(1)}, mType=2, mName=battery, mStatus=${status}}`,
    'HAL Ready: true', 'HAL connection:', '\tThermalHAL 2.0 connected: yes', 'Current temperatures from HAL:',
    `\tTemperature{mValue=${cpu}, mType=0, mName=cpu0, mStatus=${status}}`,
    `\tTemperature{mValue=${temp.toFixed(1)}, mType=2, mName=battery, mStatus=${status}}`,
    `\tTemperature{mValue=${(temp + 1).toFixed(1)}, mType=3, mName=skin, mStatus=${status}}`,
    'Current cooling devices from HAL:', `\tCoolingDevice{mValue=${status}, mType=2, mName=cpu0}`,
    `# status name: ${THERMAL_NAMES[status]}`, ''].join('\n');
}

function meminfo(ctx: CommandContext, pkgName: string | undefined): string {
  const ramKb = ctx.device.profile.ramMb * 1024;
  if (!pkgName) {
    return `Total RAM: ${ramKb.toLocaleString('en-US')}K (status normal)\n Free RAM: ${Math.round(ramKb * 0.4).toLocaleString('en-US')}K\n Used RAM: ${Math.round(ramKb * 0.6).toLocaleString('en-US')}K\n`;
  }
  const pid = ctx.device.am.pidOf(pkgName);
  if (!pid) return `No process found for: ${pkgName}\n`;
  const rss = process.memoryUsage();
  const pss = Math.round(rss.rss / 1024);
  const heap = Math.round(rss.heapUsed / 1024);
  return [`Applications Memory Usage (in Kilobytes):`, `Uptime: ${Math.round(process.uptime() * 1000)} Realtime: ${Math.round(process.uptime() * 1000)}`, '',
    `** MEMINFO in pid ${pid} [${pkgName}] **`,
    '                   Pss  Private  Private  SwapPss      Rss     Heap     Heap     Heap',
    '                 Total    Dirty    Clean    Dirty    Total     Size    Alloc     Free',
    `  Native Heap    ${String(heap).padStart(6)}   ${String(heap).padStart(6)}        0        0   ${String(heap).padStart(6)}   ${String(Math.round(rss.heapTotal / 1024)).padStart(6)}   ${String(heap).padStart(6)}        0`,
    `        TOTAL    ${String(pss).padStart(6)}   ${String(pss).padStart(6)}        0        0   ${String(pss).padStart(6)}`, '',
    ' App Summary', '                       Pss(KB)                        Rss(KB)',
    `           Java Heap:        0                              0`, `         Native Heap:   ${String(heap).padStart(6)}                         ${String(heap).padStart(6)}`,
    `           TOTAL PSS:   ${String(pss).padStart(6)}            TOTAL RSS:   ${String(pss).padStart(6)}`, ''].join('\n');
}

/** `dumpsys package PKG` / `pm dump PKG`: the fields clients read (versions, paths, timestamps). */
export function describePackage(_ctx: CommandContext, pkg: InstalledPackage): string {
  const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  return ['Packages:', `  Package [${pkg.name}] (${pkg.sha256.slice(0, 7)}):`, `    userId=${pkg.userId}`, `    pkg=Package{${pkg.sha256.slice(0, 7)} ${pkg.name}}`,
    `    codePath=${pkg.apkPath.replace(/\/base\.apk$/, '')}`, `    versionCode=${pkg.versionCode} minSdk=${pkg.minSdk} targetSdk=${pkg.targetSdk}`,
    `    versionName=${pkg.versionName}`, `    firstInstallTime=${ts(pkg.firstInstallTime)}`, `    lastUpdateTime=${ts(pkg.lastUpdateTime)}`,
    '    Activities:', ...pkg.activities.map((a) => `      ${pkg.name}/${a}`), ''].join('\n');
}

function activity(ctx: CommandContext, what: string | undefined): string {
  const fg = ctx.device.am.foreground();
  if (what === 'top') {
    if (!fg) return 'TASK null id=1 userId=0\n  ACTIVITY com.android.launcher3/.Launcher 1 pid=1801\n';
    return `TASK ${fg.pkg} id=42 userId=0\n  ACTIVITY ${fg.component} ${fg.pid.toString(16)} pid=${fg.pid}\n`;
  }
  const resumed = fg ? fg.component : 'com.android.launcher3/.Launcher';
  return `ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n  mResumedActivity: ActivityRecord{1 u0 ${resumed} t42}\n  ResumedActivity: ActivityRecord{1 u0 ${resumed} t42}\n`;
}

export const dumpsys: ShellCommand = async (ctx) => {
  const [service, ...rest] = ctx.args;
  let out: string;
  switch (service) {
    case 'battery': out = battery(ctx); break;
    case 'thermalservice': out = thermal(ctx); break;
    case 'meminfo': out = meminfo(ctx, rest.find((a) => !a.startsWith('-'))); break;
    case 'package': {
      const pkg = rest[0] ? ctx.device.packages.get(rest[0]) : undefined;
      out = pkg ? describePackage(ctx, pkg) : '';
      break;
    }
    case 'activity': out = activity(ctx, rest[0]); break;
    case 'window': {
      const fg = ctx.device.am.foreground();
      out = `  mCurrentFocus=Window{1 u0 ${fg ? fg.component : 'com.android.launcher3/.Launcher'}}\n  mFocusedApp=${fg ? fg.component : 'null'}\n`;
      break;
    }
    case undefined: case '-l':
      out = 'Currently running services:\n  activity\n  battery\n  meminfo\n  package\n  thermalservice\n  window\n';
      break;
    default:
      await ctx.stderr.write(`Can't find service: ${service}\n`);
      return 0; // dumpsys answers 0 even for an unknown service, as on a phone
  }
  await ctx.stdout.write(out);
  return 0;
};
