/** Device access through the adb server: server control, connect/disconnect, discovery. */
export { runAdb, freePort, type AdbResult } from './adb-cli.ts';
export { ensureAdbServer, killAdbServer, isListening, adbVersion, DEFAULT_ADB_PORT } from './adb-server.ts';
export { adbConnect, adbDisconnect, deviceState } from './connect.ts';
export { listDevices, describeDevice, adbClient, parseBattery, parseThermalStatus, type DeviceSummary } from './discovery.ts';
export { AdbServerClient } from './adb-client.ts';
export { AdbDevice, attachedDevices, onlineDevices, withDeadline, asAdbError, type LogEntry } from './adb-device.ts';
export { classifyAdbFailure, DEVICE_GONE_PATTERN, DEVICE_MISSING_PATTERN } from './adb-failure.js';
export { isVirtualDevice, runsHostTwin } from './virtual-device.js';
export { formatDeviceTable } from './device-table.ts';
export { runDoctor, type DoctorCheck } from './doctor.ts';
export { hostPublicKey } from './host-key.ts';
