/**
 * The virtual Android device (vdevice): `startVirtualDevice()` starts one on a TCP port; the real
 * adb server reaches it with `adb connect 127.0.0.1:PORT`. See README.md in this folder.
 */
import { VirtualDevice, type VirtualDeviceOptions } from './device/virtual-device.ts';

export { VirtualDevice, type VirtualDeviceOptions } from './device/virtual-device.ts';
export { loadProfile, listProfiles, DEFAULT_PROFILE, type DeviceProfile } from './device/profile.ts';
export { parseSlowdown } from './device/slowdown.ts';
export { parseFault, type Fault, type DeviceEventName } from './device/faults.ts';

export function startVirtualDevice(opts: VirtualDeviceOptions = {}): Promise<VirtualDevice> {
  return VirtualDevice.start(opts);
}
