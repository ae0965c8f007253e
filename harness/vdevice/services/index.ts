/** Maps an OPEN's service name to the service that runs it; unknown services are refused (CLSE). */
import type { AdbStream } from '../transport/stream.ts';
import type { DeviceCore } from '../device/core.ts';
import { startShell } from './shell-service.ts';
import { startSync } from './sync-service.ts';
import { startAbbExec } from './abb-service.ts';
import { startTcp } from './tcp-service.ts';

export function openService(device: DeviceCore, service: string, stream: AdbStream): boolean {
  device.recordService(service);
  const colon = service.indexOf(':');
  const head = colon >= 0 ? service.slice(0, colon) : service;
  const rest = colon >= 0 ? service.slice(colon + 1) : '';
  const [name, ...options] = head.split(',');
  const features = device.adbFeatures;
  switch (name) {
    case 'shell': {
      const v2 = options.includes('v2');
      if (v2 && !features.includes('shell_v2')) return false;
      startShell(device, stream, v2 ? 'v2' : 'legacy', rest);
      return true;
    }
    case 'exec':
      startShell(device, stream, 'exec', rest);
      return true;
    case 'sync':
      startSync(device, stream);
      return true;
    case 'abb_exec':
      if (!features.includes('abb_exec')) return false;
      startAbbExec(device, stream, rest);
      return true;
    case 'tcp':
      return startTcp(device, stream, Number(rest));
    case 'root':
      // a production (user) build, as the profiles' ro.build.type says
      void stream.write('adbd cannot run as root in production builds\n').then(() => stream.end());
      return true;
    case 'unroot':
      void stream.write('adbd not running as root\n').then(() => stream.end());
      return true;
    case 'reboot':
      stream.end();
      device.reboot();
      return true;
    default:
      return false;
  }
}
