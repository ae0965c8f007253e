/**
 * Host paths for names a device chose. A device's directory listing is whatever its firmware
 * says: `../../../../.bashrc`, `/etc/passwd`, a name with NUL or newline. A name becomes a host
 * path only as a safe basename, and the result is checked to stay inside its folder.
 */
import { resolve, sep } from 'node:path';
import { RioError } from '../errors.ts';

/** Longest basename kept; Linux allows 255 bytes, and no crop name needs more than a few. */
const MAX_NAME = 128;

/**
 * The last path segment of `deviceName`, with control characters removed; undefined when
 * nothing usable is left (empty, `.`, `..`, only controls).
 */
export function safeBasename(deviceName: string): string | undefined {
  const last = deviceName.split(/[/\\]/).pop() ?? '';
  const name = last.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, MAX_NAME);
  return name === '' || name === '.' || name === '..' ? undefined : name;
}

/** `folder/<safe basename of deviceName>`, or BAD: INVALID_RESULTS naming the device and the name. */
export function containedPath(folder: string, deviceName: string, device: string): string {
  const name = safeBasename(deviceName);
  const root = resolve(folder);
  const path = name === undefined ? undefined : resolve(root, name);
  if (path === undefined || !path.startsWith(root + sep)) {
    throw new RioError('INVALID_RESULTS', `device file name ${JSON.stringify(deviceName.slice(0, 200))} has no safe name inside ${root}`, { device, file: root });
  }
  return path;
}
