// @ts-check
/**
 * The one set of adb call deadlines. Plain JS so that the Appium driver (which Appium loads
 * without a TypeScript loader) reads the same values as the runner; `npx tsc` checks it.
 */

/** One adb call over adbkit: generous for a phone on a busy USB hub, short enough to notice a hang. */
export const ADB_CALL_TIMEOUT_MS = 20_000;
/** `adb get-state`: answered by the adb server itself, so a slow answer already means trouble. */
export const ADB_STATE_TIMEOUT_MS = 5_000;
/** A quick shell probe (`echo`, `am force-stop`): a device that cannot answer it in 5 s is not healthy. */
export const ADB_PROBE_TIMEOUT_MS = 5_000;
/** `adb install` and one `adb push`: an APK or a frame over a slow USB 2 hub. */
export const ADB_TRANSFER_TIMEOUT_MS = 120_000;
/** Pushing a suite's frames (hundreds of files) over a few sync connections. */
export const ADB_BULK_PUSH_TIMEOUT_MS = 600_000;
/** Grace beyond a read budget's own deadline: the budget cancels the transfer, this only catches a wedged cancel. */
export const ADB_READ_GRACE_MS = 1_000;
/** One `adb` CLI process: `adb connect` to a dead port returns well within it. */
export const ADB_CLI_TIMEOUT_MS = 60_000;
/** Short `adb` CLI calls (`version`, `connect`, `disconnect`, `get-state`) that the server answers alone. */
export const ADB_CLI_QUICK_TIMEOUT_MS = 10_000;
