/** Renders DeviceSummary rows as the `rio-farm devices` table. */
import type { DeviceSummary } from './discovery.ts';
import { terminalText } from './terminal-text.ts';

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
  ].map((cell) => terminalText(cell)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
