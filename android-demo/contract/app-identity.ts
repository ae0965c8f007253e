/**
 * Who the demo app is on a device (CONTRACT.md "Package and activities", "Files"): its package,
 * its activities, the folder adb writes its frames and runs into, and its logcat tag. The Kotlin
 * app reads the same values from AppContract.kt (kotlin-contract.spec.ts proves they match).
 */

/** The application id; also `applicationId` in android-demo/app/version.properties. */
export const APP_PACKAGE = 'dev.riofarm.rio';
/** The headless benchmark; finishes itself when done. */
export const BENCHMARK_ACTIVITY = '.BenchmarkActivity';
/** The launcher: camera preview with the card outline, Capture → crop screen. */
export const MAIN_ACTIVITY = '.MainActivity';
/** The APK's models (CONTRACT.md "Models"): the detector, and the optional quarter-turn classifier. */
export const MODEL_ASSET = 'assets/rio.tflite';
export const QUARTER_TURN_ASSET = 'assets/quarter_turn.tflite';

/** The logcat tag of every marker and app message. */
export const LOG_TAG = 'RIO';

/** `package/.Activity`, as `am start -n` and Appium's appActivity take it. */
export function appComponent(activity: string): string {
  return `${APP_PACKAGE}/${activity}`;
}

/** The app's external files dir: writable by adb without root, read by the app. */
export const APP_FILES_DIR = `/sdcard/Android/data/${APP_PACKAGE}/files`;
/** Content-addressed frames (`<sha256>.jpg`), kept across runs. */
export const FRAMES_DIR = `${APP_FILES_DIR}/frames`;

/** A run's folder on the device: manifest.json (pushed), results.json and crops/ (written by the app). */
export function appRunDir(runId: string): string {
  return `${APP_FILES_DIR}/runs/${runId}`;
}

/** A UI id as UiAutomator2 and the rio Appium driver see it: `dev.riofarm.rio:id/<name>`. */
export function resourceId(name: string): string {
  return `${APP_PACKAGE}:id/${name}`;
}
