/** This machine's adb public key (~/.android/adbkey.pub), which the adb server signs AUTH tokens with. */
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RioError } from '../errors.ts';

export function hostPublicKey(): string {
  const base = process.env.ANDROID_USER_HOME ?? process.env.ANDROID_SDK_HOME ?? join(homedir(), '.android');
  const file = join(base, 'adbkey.pub');
  if (!existsSync(file)) {
    throw new RioError('ADB_ERROR', `${file} is missing; start an adb server once (adb start-server) to create it`, { file });
  }
  return readFileSync(file, 'utf8');
}
