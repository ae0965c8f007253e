/**
 * Which installed packages have a host twin, and where its module is. A phone runs the APK's
 * code; a vdevice runs the twin named here (module exporting `twin: AppTwin`). Packages without a
 * twin still install and start, but only show an empty window.
 */
import type { AppTwin } from './app-twin.ts';
import { APP_PACKAGE } from '../../../android-demo/contract/app-identity.ts';

type TwinModule = { twin: AppTwin; recordedTwin?: AppTwin };

export const APP_TWINS: Readonly<Record<string, () => Promise<TwinModule>>> = {
  // the RIO demo app (android-demo/host); if its module fails to load, `am start` reports a
  // crash with the reason in logcat instead of taking the device down
  [APP_PACKAGE]: () => import('../../../android-demo/host/twin.ts'),
  'dev.riofarm.hello': () => import('./hello-twin.ts'),
};

/**
 * The twin for a package: undefined when the package has none; throws when its module fails to
 * load. `recorded` (a profile with `"app": "recorded"`): the twin's recorded variant where it has
 * one — recorded timings and results, no inference (android-demo/host/recorded-engine.ts).
 */
export async function loadTwin(packageName: string, recorded = false): Promise<AppTwin | undefined> {
  const load = Object.hasOwn(APP_TWINS, packageName) ? APP_TWINS[packageName] : undefined;
  if (!load) return undefined;
  const mod = await load();
  const twin = recorded ? mod?.recordedTwin ?? mod?.twin : mod?.twin;
  if (!twin || typeof twin.start !== 'function') throw new Error(`twin module for ${packageName} exports no twin`);
  return twin;
}
