/** Renders DeviceSummary rows as the `rio-farm devices` table. */
import type { DeviceSummary } from './discovery.ts';
import { textTable } from '../render/text-table.ts';

const THERMAL = ['NONE', 'LIGHT', 'MODERATE', 'SEVERE', 'CRITICAL', 'EMERGENCY', 'SHUTDOWN'];

export function formatDeviceTable(devices: DeviceSummary[]): string {
  const header = ['SERIAL', 'MODEL', 'SDK', 'ABI', 'KIND', 'BATTERY', 'TEMP', 'THERMAL', 'STATE'];
  const rows = devices.map((d) => [
    d.serial, d.model ?? '-', d.sdk !== undefined ? String(d.sdk) : '-', d.abi ?? '-',
    d.virtual === undefined ? '-' : d.virtual ? 'virtual' : 'real',
    d.batteryLevel !== undefined ? `${d.batteryLevel}%` : '-',
    d.batteryTempC !== undefined ? `${d.batteryTempC.toFixed(1)}°C` : '-',
    d.thermalStatus !== undefined ? THERMAL[d.thermalStatus] ?? String(d.thermalStatus) : '-',
    d.state,
  ]);
  return textTable(header, rows);
}
