// @ts-check
/**
 * The device as this driver sees it: a thin facade over @devicefarmer/adbkit where every method is
 * one `adb -s SERIAL shell …` a user could type. Only adb is used, so the same code drives a phone
 * over USB and a rio vdevice over TCP.
 */
import AdbModule from '@devicefarmer/adbkit';
import { errors } from '@appium/base-driver';
// the runner's rules, shared as plain JS: one failure classifier, one set of call deadlines
import { classifyAdbFailure } from '../../src/devices/adb-failure.js';
import { ADB_CALL_TIMEOUT_MS } from '../../src/devices/call-deadlines.js';

/** @type {typeof import('@devicefarmer/adbkit').default} */
const Adb = /** @type {any} */ (AdbModule).default ?? AdbModule;

/** Where `uiautomator dump` writes; /data/local/tmp is writable by the shell user on every Android. */
const DUMP_PATH = '/data/local/tmp/rio-window-dump.xml';

export class AdbDevice {
  /**
   * @param {string} serial  e.g. '127.0.0.1:40123' or a USB serial
   * @param {number} adbPort the adb server's port (each farm/test runs its own server)
   * @param {{debug(msg: string): void}} [log] the driver's logger: every adb command is logged as typed
   */
  constructor(serial, adbPort, log) {
    this.serial = serial;
    this.adbPort = adbPort;
    this.log = log;
    this.client = Adb.createClient({ port: adbPort });
    this.device = this.client.getDevice(serial);
  }

  /** `adb devices`: throws a clear error unless this serial is listed as `device`. */
  async assertOnline() {
    const list = await this.guard('adb devices', () => this.client.listDevices());
    const me = list.find((/** @type {{id: string, type: string}} */ d) => d.id === this.serial);
    if (!me || me.type !== 'device') {
      throw new errors.SessionNotCreatedError(
        `rio: device ${this.serial} is ${me ? me.type : 'not attached'} on the adb server at port ${this.adbPort}`);
    }
  }

  /**
   * `adb shell CMD` → stdout+stderr as text (legacy shell: no exit code).
   * @param {string} command
   * @param {number} [timeoutMs] the whole call's deadline (`mobile: shell` passes its own)
   * @returns {Promise<string>}
   */
  async shell(command, timeoutMs = ADB_CALL_TIMEOUT_MS) {
    this.log?.debug(`adb -s ${this.serial} shell ${command}`);
    return this.guard(`adb shell ${command}`, async () => {
      const stream = await this.device.shell(command);
      return (await Adb.util.readAll(stream)).toString('utf8');
    }, timeoutMs);
  }

  /** `adb shell uiautomator dump` → the window hierarchy XML. */
  async dumpHierarchy() {
    const out = await this.shell(`uiautomator dump ${DUMP_PATH} >/dev/null 2>&1; cat ${DUMP_PATH}`);
    const start = out.indexOf('<?xml') >= 0 ? out.indexOf('<?xml') : out.indexOf('<hierarchy');
    if (start < 0) {
      throw new errors.UnknownError(`rio: uiautomator dump on ${this.serial} returned no hierarchy: ${out.slice(0, 200)}`);
    }
    return out.slice(start);
  }

  /**
   * `adb shell input tap X Y`
   * @param {number} x
   * @param {number} y
   */
  async tap(x, y) {
    await this.shell(`input tap ${Math.round(x)} ${Math.round(y)}`);
  }

  /**
   * `adb shell input swipe X1 Y1 X2 Y2 MS` (also a long press when both points are equal)
   * @param {number} x1
   * @param {number} y1
   * @param {number} x2
   * @param {number} y2
   * @param {number} durationMs
   */
  async swipe(x1, y1, x2, y2, durationMs) {
    await this.shell(`input swipe ${[x1, y1, x2, y2].map(Math.round).join(' ')} ${Math.max(0, Math.round(durationMs))}`);
  }

  /**
   * `adb shell input keyevent CODE`
   * @param {number | string} code
   */
  async keyevent(code) {
    await this.shell(`input keyevent ${code}`);
  }

  /** `adb exec-out screencap -p` → PNG bytes */
  async screencap() {
    const png = await this.guard('adb shell screencap -p', async () => Adb.util.readAll(await this.device.screencap()));
    if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47) {
      throw new errors.UnknownError(`rio: screencap on ${this.serial} did not return a PNG (${png.length} bytes)`);
    }
    return png;
  }

  /**
   * `adb install -r APK`
   * @param {string} apkPath
   */
  async install(apkPath) {
    await this.guard(`adb install ${apkPath}`, () => this.device.install(apkPath));
  }

  /** `adb shell wm size` → the display size, override first */
  async windowSize() {
    const out = await this.shell('wm size');
    const m = /Override size:\s*(\d+)x(\d+)/.exec(out) ?? /Physical size:\s*(\d+)x(\d+)/.exec(out);
    return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
  }

  /**
   * Runs one adb call with a deadline and turns transport failures into errors that name the
   * device and the failure class the specs retry on: DEVICE_GONE (not attached, offline, link
   * closed), ADB_ERROR (adb refused), TIMEOUT (a stalled device must not hang the session).
   */
  /**
   * @template T
   * @param {string} what the adb command as typed
   * @param {() => Promise<T>} fn
   * @param {number} [timeoutMs]
   * @returns {Promise<T>}
   */
  async guard(what, fn, timeoutMs = ADB_CALL_TIMEOUT_MS) {
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    let timedOut = false;
    /** @type {Promise<never>} */
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => { timedOut = true; reject(new Error(`took over ${timeoutMs} ms`)); }, timeoutMs);
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const kind = timedOut ? 'TIMEOUT' : classifyAdbFailure(msg);
      const text = `rio: ${kind} ${this.serial}: '${what}' failed on the adb server at port ${this.adbPort}: ${msg}`;
      // W3C's timeout error for a deadline, so a client sees `mobile: shell`'s own timeout as one
      throw timedOut ? new errors.TimeoutError(text) : new errors.UnknownError(text);
    } finally {
      clearTimeout(timer);
    }
  }
}
