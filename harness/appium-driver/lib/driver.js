// @ts-check
/**
 * RioVdeviceDriver: an Appium 3 driver (automationName `RioVdevice`, driverName `rio`) that drives
 * an Android device purely over adb — `uiautomator dump` for the page source, `input` for touches,
 * `screencap -p` for screenshots. It needs no on-device server, so it runs against rio vdevices
 * (whose app twins render their screens to those commands) and equally against a phone.
 */
import { BaseDriver, errors } from '@appium/base-driver';
// the harness's one device facade: deadlines, byte budgets and the failure classifier of the runner
// (TypeScript, loaded through the tsx loader index.js registers)
import { AdbDevice, attachedDevices } from '../../src/devices/adb-device.ts';
import { adbClient } from '../../src/devices/adb-client.ts';
import { RioError } from '../../src/errors.ts';
import { findCommands } from './commands/find.js';
import { elementCommands } from './commands/element.js';
import { actionCommands } from './commands/actions.js';
import { appCommands } from './commands/app.js';

/** package.json `appium.driverName` */
const DRIVER_NAME = 'rio';
/** Used when neither `appium:adbPort` nor ANDROID_ADB_SERVER_PORT names the adb server. */
const DEFAULT_ADB_PORT = 5037;

const CAP_CONSTRAINTS = {
  platformName: { presence: true, isString: true, inclusionCaseInsensitive: ['Android'] },
  automationName: { presence: true, isString: true, inclusionCaseInsensitive: ['RioVdevice'] },
  udid: { isString: true },
  adbPort: { isNumber: true },
  app: { isString: true },
  appPackage: { isString: true },
  appActivity: { isString: true },
  appWaitActivity: { isString: true },
};

/** @typedef {import('./driver-context.js').RioDriverContext} RioDriverContext */

/**
 * The facade's RioError as a W3C error naming the failure class the specs retry on (DEVICE_GONE,
 * ADB_ERROR, TIMEOUT…): a deadline is W3C's timeout error, so a client sees `mobile: shell`'s own
 * timeout as one. Other errors pass unchanged.
 * @param {unknown} err
 * @param {number | undefined} adbPort
 * @returns {unknown}
 */
export function asW3cError(err, adbPort) {
  if (!(err instanceof RioError)) return err;
  // the message already names the device (`… (device=SERIAL)`)
  const text = `rio: ${err.code}: ${err.message}${adbPort ? ` on the adb server at port ${adbPort}` : ''}`;
  return err.code === 'TIMEOUT' ? new errors.TimeoutError(text) : new errors.UnknownError(text);
}

/** @extends {BaseDriver<any>} */
export class RioVdeviceDriver extends BaseDriver {
  /** `driver.execute('mobile: …', {…})` → these methods (Appium routes them through executeMethod). */
  static executeMethodMap = {
    'mobile: shell': { command: 'mobileShell', params: { required: ['command'], optional: ['args', 'timeout', 'includeStderr'] } },
    'mobile: activateApp': { command: 'activateApp', params: { required: ['appId'] } },
    'mobile: terminateApp': { command: 'terminateApp', params: { required: ['appId'] } },
    'mobile: startActivity': { command: 'startActivity', params: { optional: ['intent', 'wait', 'stop', 'action', 'extras'] } },
    'mobile: installApp': { command: 'installApp', params: { required: ['appPath'] } },
    // what WebdriverIO's element.tap() / browser.tap() send on Android
    'mobile: clickGesture': { command: 'clickGesture', params: { optional: ['elementId', 'x', 'y'] } },
    'mobile: longClickGesture': { command: 'longClickGesture', params: { optional: ['elementId', 'x', 'y', 'duration'] } },
  };

  /**
   * @param {any} [opts] Appium's server and capability options
   * @param {boolean} [shouldValidateCaps]
   */
  constructor(opts = {}, shouldValidateCaps = true) {
    super(opts, shouldValidateCaps);
    this.desiredCapConstraints = CAP_CONSTRAINTS;
    this.locatorStrategies = ['xpath', 'id', 'accessibility id', 'class name'];
    /** @type {Map<string, import('./driver-context.js').ElementRef>} element id → where the element was found (see resolveElement) */
    this.elements = new Map();
    this.elementCounter = 0;
    /** @type {AdbDevice | null} the device of the current session */
    this.adb = null;
    /** @type {import('../../src/devices/adb-client.ts').AdbServerClient | null} its adb server client (closed with the session) */
    this.adbClient = null;
    /** @type {number | undefined} */
    this.adbPort = undefined;
  }

  /**
   * Every command passes here: the device facade's errors become W3C errors.
   * @template T
   * @param {string} cmd
   * @param {...any} args
   * @returns {Promise<T>}
   */
  async executeCommand(cmd, ...args) {
    try {
      return await super.executeCommand(cmd, ...args);
    } catch (err) {
      throw asW3cError(err, this.adbPort);
    }
  }

  /**
   * Attaches to the device (`appium:udid`, or the only one online), installs and starts the app if asked.
   * @param {any} w3cCaps1
   * @param {any} [w3cCaps2]
   * @param {any} [w3cCaps3]
   * @param {any} [driverData]
   * @returns {Promise<any>}
   */
  async createSession(w3cCaps1, w3cCaps2, w3cCaps3, driverData) {
    const [sessionId, caps] = await super.createSession(w3cCaps1, w3cCaps2, w3cCaps3, driverData);
    try {
      const adbPort = this.opts.adbPort ?? (Number(process.env.ANDROID_ADB_SERVER_PORT) || DEFAULT_ADB_PORT);
      this.adbPort = adbPort;
      const client = this.adbClient = adbClient(adbPort);
      const serial = this.opts.udid ?? (await this.onlyDevice(client, adbPort));
      const me = (await attachedDevices(client)).find((d) => d.id === serial);
      if (!me || me.type !== 'device') {
        throw new errors.SessionNotCreatedError(
          `rio: device ${serial} is ${me ? me.type : 'not attached'} on the adb server at port ${adbPort}`);
      }
      this.adb = new AdbDevice(client, serial, (line) => this.log.debug(line));
      if (this.opts.app) await this.adb.install(this.opts.app);
      if (this.opts.appPackage && this.opts.appActivity) {
        const { appPackage, appActivity } = this.opts;
        const component = appActivity.includes('/') ? appActivity : `${appPackage}/${appActivity}`;
        await /** @type {RioDriverContext} */ (/** @type {unknown} */ (this)).startActivity(component, true, !this.opts.noReset);
      }
      return [sessionId, { ...caps, udid: serial, adbPort }];
    } catch (err) {
      await this.deleteSession();
      if (err instanceof errors.SessionNotCreatedError) throw err;
      const w3c = asW3cError(err, this.adbPort);
      throw new errors.SessionNotCreatedError(w3c instanceof Error ? w3c.message : String(w3c));
    }
  }

  /**
   * With no udid: the single online device of that adb server; several or none is an error.
   * @param {import('../../src/devices/adb-client.ts').AdbServerClient} client
   * @param {number} adbPort
   * @returns {Promise<string>}
   */
  async onlyDevice(client, adbPort) {
    const online = (await attachedDevices(client)).filter((d) => d.type === 'device');
    if (online.length !== 1) {
      throw new errors.SessionNotCreatedError(
        `rio: set appium:udid — the adb server at port ${adbPort} has ${online.length} online devices`);
    }
    return online[0].id;
  }

  /** @param {string} [sessionId] */
  async deleteSession(sessionId) {
    this.elements.clear();
    this.adb = null;
    // adbkit never closes a shell stream whose reader stopped early: close what the session left open
    this.adbClient?.closeAll();
    this.adbClient = null;
    await super.deleteSession(sessionId);
  }

  /**
   * Appium 3 matches an insecure feature's prefix against the automation name (`riovdevice:adb_shell`);
   * the driver name (`rio:adb_shell`, what `appium driver list` shows) is accepted too. A deny wins.
   * @param {string} name
   */
  isFeatureEnabled(name) {
    const listed = (/** @type {string[] | undefined} */ list) => (list ?? []).some((f) => [`${DRIVER_NAME}:${name}`, `riovdevice:${name}`, `*:${name}`].includes(f));
    if (listed(this.denyInsecure)) return false;
    return super.isFeatureEnabled(name) || listed(this.allowInsecure);
  }

  /**
   * W3C execute: only `mobile:` extensions exist (there is no JavaScript context on a device).
   * @param {string} script
   * @param {any} [args]
   */
  async execute(script, args) {
    if (!script.trim().startsWith('mobile:')) {
      throw new errors.NotImplementedError(`rio: only 'mobile:' scripts can be executed, got '${script.slice(0, 40)}'`);
    }
    return await this.executeMethod(script.trim(), args ?? []);
  }
}

Object.assign(RioVdeviceDriver.prototype, findCommands, elementCommands, actionCommands, appCommands);
export default RioVdeviceDriver;
