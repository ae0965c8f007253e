/**
 * One Appium capability per device. vdevices (and, on request, phones) get the rio driver, which
 * needs nothing on the device but adb; phones get the stock UiAutomator2 driver with the
 * Gradle-built demo APK (scenarios/ui/README.md says what a phone run needs).
 */
import type { DeviceFingerprint } from '../../../harness/src/store/index.ts';
import { APP_PACKAGE, MAIN_ACTIVITY } from '../../../android-demo/contract/app-identity.ts';

/** `hostTwin`: a rio vdevice, which runs the demo APK's host twin and needs the rio driver. */
export function capabilitiesFor(d: DeviceFingerprint, adbPort: number, hostTwin: boolean, apk: string | undefined): WebdriverIO.Capabilities {
  if (hostTwin || process.env.RIO_UI_DRIVER === 'rio') {
    return {
      platformName: 'Android',
      'appium:automationName': 'RioVdevice',
      'appium:udid': d.serial,
      'appium:adbPort': adbPort,
      'appium:appPackage': APP_PACKAGE,
      'appium:newCommandTimeout': 120,
    };
  }
  return {
    platformName: 'Android',
    'appium:automationName': 'UiAutomator2',
    'appium:udid': d.serial,
    'appium:adbPort': adbPort,
    // The Gradle-built APK (RIO_APK); UiAutomator2 installs it and grants the camera permission.
    ...(apk ? { 'appium:app': apk } : {}),
    'appium:appPackage': APP_PACKAGE,
    'appium:appActivity': MAIN_ACTIVITY,
    'appium:autoGrantPermissions': true,
    'appium:noReset': false,
    'appium:newCommandTimeout': 120,
  };
}
