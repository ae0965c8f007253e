// @ts-check
/**
 * Entry point Appium loads (package.json `appium.mainClass` names the export). The driver talks to
 * devices through the harness's one device facade (harness/src/devices/adb-device.ts), which is
 * TypeScript: tsx's ESM loader is registered first, so the driver's plain JS can import it. Appium
 * loads drivers with `import()`, so the top-level await below is fine.
 */
import { register } from 'tsx/esm/api';

register();
const { RioVdeviceDriver } = await import('./lib/driver.js');
export { RioVdeviceDriver, RioVdeviceDriver as default };
