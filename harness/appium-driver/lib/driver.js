// @ts-check
/**
 * RioVdeviceDriver: an Appium 3 driver (automationName `RioVdevice`, driverName `rio`) that drives
 * an Android device purely over adb — `uiautomator dump` for the page source, `input` for touches,
 * `screencap -p` for screenshots. It needs no on-device server, so it runs against rio vdevices
 * (whose app twins render their screens to those commands) and equally against a phone.
 */
import { BaseDriver, errors } from '@appium/base-driver';
import { AdbDevice } from './adb-device.js';
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
      const serial = this.opts.udid ?? (await this.onlyDevice(adbPort));
      this.adb = new AdbDevice(serial, adbPort, this.log);
      await this.adb.assertOnline();
      if (this.opts.app) await this.adb.install(this.opts.app);
      if (this.opts.appPackage && this.opts.appActivity) {
        const { appPackage, appActivity } = this.opts;
        const component = appActivity.includes('/') ? appActivity : `${appPackage}/${appActivity}`;
        await /** @type {RioDriverContext} */ (/** @type {unknown} */ (this)).startActivity(component, true, !this.opts.noReset);
      }
      return [sessionId, { ...caps, udid: serial, adbPort }];
    } catch (err) {
      await super.deleteSession();
      if (err instanceof errors.SessionNotCreatedError) throw err;
      throw new errors.SessionNotCreatedError(err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * With no udid: the single online device of that adb server; several or none is an error.
   * @param {number} adbPort
   * @returns {Promise<string>}
   */
  async onlyDevice(adbPort) {
    const probe = new AdbDevice('', adbPort);
    const online = (await probe.guard('adb devices', () => probe.client.listDevices())).filter((/** @type {{ id: string, type: string }} */ d) => d.type === 'device');
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
