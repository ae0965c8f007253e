// @ts-check
/**
 * The one rule that tells a device that is gone from an adb call that failed. Only the first kind
 * says "retry on this or another device"; both are infrastructure failures, never product ones.
 * Plain JS so the Appium driver shares it with the runner.
 */

/**
 * What adb, adbkit and the socket say when the device (or the link to it) is not there: the adb
 * server's `device 'X' not found` / `device offline` / `device unauthorized`, and a TCP link that
 * closed under us. A bare "not found" is not here: a missing file on the device says it too.
 */
export const DEVICE_GONE_PATTERN =
  /device '[^']*' not found|device not found|device (is )?(offline|not attached)|device unauthorized|no devices|closed|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|not connected/i;

/**
 * @param {string} message an adb or adbkit error message
 * @returns {'DEVICE_GONE' | 'ADB_ERROR'}
 */
export function classifyAdbFailure(message) {
  return DEVICE_GONE_PATTERN.test(message) ? 'DEVICE_GONE' : 'ADB_ERROR';
}
