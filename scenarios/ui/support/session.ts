/** Facts about the current Appium session the specs need. */
import { browser } from '@wdio/globals';

/** The device serial of this session (`appium:udid`, as Appium echoes it back). */
export async function sessionSerial(): Promise<string> {
  const caps = browser.capabilities as Record<string, unknown>;
  const req = browser.requestedCapabilities as Record<string, unknown>;
  return String(caps['appium:udid'] ?? caps.udid ?? req['appium:udid'] ?? 'unknown');
}
