// @ts-check
/** `mobile:` extensions for apps and the shell, named and shaped like UiAutomator2's. */
import { errors } from '@appium/base-driver';
import { shellQuote as shq } from '../shell-quote.js';
import { ADB_CALL_TIMEOUT_MS } from '../../../src/devices/call-deadlines.js';

/** The insecure feature guarding `mobile: shell` (enable with `--allow-insecure rio:adb_shell`). */
export const ADB_SHELL_FEATURE = 'adb_shell';

/** `am start` extra types: --es string, --ei int, --ez boolean, --ef float, --el long. */
const EXTRA_TYPES = new Set(['s', 'i', 'z', 'f', 'l']);

/** @typedef {import('../driver-context.js').RioDriverContext} RioDriverContext */

export const appCommands = /** @satisfies {ThisType<RioDriverContext>} */ ({
  /**
   * `mobile: shell` — any adb shell command; off unless the server allows the insecure feature.
   * @param {string} command
   * @param {unknown[] | unknown} [args]
   * @param {number} [timeout] ms, the adb call's own deadline
   * @param {boolean} [includeStderr]
   * @returns {Promise<string | { stdout: string, stderr: string }>}
   */
  async mobileShell(command, args = [], timeout = ADB_CALL_TIMEOUT_MS, includeStderr = false) {
    if (!this.isFeatureEnabled(ADB_SHELL_FEATURE)) {
      throw new errors.UnsupportedOperationError(
        `rio: 'mobile: shell' needs the insecure feature '${ADB_SHELL_FEATURE}'; start Appium with ` +
        `--allow-insecure rio:${ADB_SHELL_FEATURE} (or riovdevice:… / *:…)`);
    }
    const line = [command, ...(Array.isArray(args) ? args : [args])].map(String).join(' ');
    // the caller's timeout is the adb call's own deadline: a second, shorter one inside would fire first
    const stdout = await this.adb.shell(line, Number(timeout) > 0 ? Number(timeout) : ADB_CALL_TIMEOUT_MS);
    // adb's legacy shell merges stderr into stdout, so stderr is always empty here.
    return includeStderr ? { stdout, stderr: '' } : stdout;
  },

  /**
   * `mobile: activateApp` — brings the app's launcher activity to the front.
   * @param {string} appId
   */
  async activateApp(appId) {
    const resolved = await this.adb.shell(`cmd package resolve-activity --brief -c android.intent.category.LAUNCHER ${shq(appId)}`);
    const component = resolved.split('\n').map((l) => l.trim()).find((l) => l.startsWith(`${appId}/`));
    const activity = component ?? (this.opts.appPackage === appId && this.opts.appActivity ? `${appId}/${this.opts.appActivity}` : null);
    if (!activity) throw new errors.InvalidArgumentError(`rio: ${appId} has no launcher activity on ${this.adb.serial}`);
    await this.startActivity(activity, true);
  },

  /**
   * `mobile: terminateApp` — `am force-stop`; true when the app was running before.
   * @param {string} appId
   */
  async terminateApp(appId) {
    const running = /^\d+/.test((await this.adb.shell(`pidof ${shq(appId)}`)).trim());
    await this.adb.shell(`am force-stop ${shq(appId)}`);
    return running;
  },

  /**
   * `mobile: startActivity` — `am start [-W] [-S] -n COMPONENT [-a ACTION] [extras]`.
   * extras: [[type, key, value]] with type s|i|z|f|l like `am start --es/--ei/--ez/--ef/--el`.
   * @param {string} intent
   * @param {boolean} [wait]
   * @param {boolean} [stop]
   * @param {string} [action]
   * @param {unknown} [extras]
   * @returns {Promise<string>}
   */
  async startActivity(intent, wait = true, stop = false, action, extras = []) {
    if (!intent) throw new errors.InvalidArgumentError("rio: 'mobile: startActivity' needs an intent (package/.Activity)");
    const parts = ['am start', wait ? '-W' : '', stop ? '-S' : '', '-n', shq(intent), action ? `-a ${shq(action)}` : ''];
    if (!Array.isArray(extras)) throw new errors.InvalidArgumentError("rio: 'mobile: startActivity' extras must be [[type, key, value], …]");
    for (const extra of extras) {
      const [type, key, value] = Array.isArray(extra) ? extra : [];
      // the type is spliced into the option name, so it is checked, not quoted
      if (!EXTRA_TYPES.has(type)) throw new errors.InvalidArgumentError(`rio: extra type ${JSON.stringify(type)} is not one of s, i, z, f, l`);
      parts.push(`--e${type}`, shq(key), shq(value));
    }
    const out = await this.adb.shell(parts.filter(Boolean).join(' '));
    if (/^Error|Exception/m.test(out)) throw new errors.UnknownError(`rio: am start ${intent} failed on ${this.adb.serial}: ${out.trim()}`);
    return out;
  },

  /**
   * `mobile: installApp` — `adb install -r APK`.
   * @param {string} appPath
   */
  async installApp(appPath) {
    await this.adb.install(appPath);
  },
});
