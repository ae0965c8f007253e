// @ts-check
/**
 * The one rule that tells a device that is gone from an adb call that failed. Only the first kind
 * says "retry on this or another device"; both are infrastructure failures, never product ones.
 * Plain JS so the Appium driver shares it with the runner.
 */

/**
 * What the adb server says about a device that is not there: `device 'X' not found`, `device
 * offline`, `device unauthorized`, `no devices/emulators found`. A bare "not found" is not here:
 * a missing file on the device says it too. Also read by the UI specs' failure classes.
 */
export const DEVICE_MISSING_PATTERN = /device '?[^' ]*'? not found|device not found|device (is )?(offline|not attached)|device unauthorized|no devices/i;

/** What adbkit and the socket say when the link to the device closed under a call. */
const LINK_LOST_PATTERN = /closed|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|not connected/i;

/** Either: the device is gone. */
export const DEVICE_GONE_PATTERN = new RegExp(`${DEVICE_MISSING_PATTERN.source}|${LINK_LOST_PATTERN.source}`, 'i');

/**
 * @param {string} message an adb or adbkit error message
 * @returns {'DEVICE_GONE' | 'ADB_ERROR'}
 */
export function classifyAdbFailure(message) {
  return DEVICE_GONE_PATTERN.test(message) ? 'DEVICE_GONE' : 'ADB_ERROR';
}
