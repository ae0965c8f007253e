// @ts-check
/**
 * The one rule for "is this device virtual?": results of a virtual device are labelled so and never
 * mixed into real-device series. A rio vdevice says `ro.rio.virtual=1`; an Android emulator (AVD,
 * goldfish or ranchu kernel) says it with the standard qemu markers.
 */

/**
 * @param {Readonly<Record<string, string | undefined>>} props the device's `getprop` answer
 * @returns {boolean}
 */
export function isVirtualDevice(props) {
  return props['ro.rio.virtual'] === '1'
    || props['ro.kernel.qemu'] === '1'
    || props['ro.boot.qemu'] === '1'
    || /^(goldfish|ranchu)$/.test(props['ro.hardware'] ?? '');
}

/**
 * A rio vdevice runs the demo app's host twin (the no-dex APK works there only); an emulator is
 * virtual but runs the real Gradle APK like a phone, and is driven like one.
 * @param {Readonly<Record<string, string | undefined>>} props
 * @returns {boolean}
 */
export function runsHostTwin(props) {
  return props['ro.rio.virtual'] === '1';
}
