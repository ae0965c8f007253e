// @ts-check
/** Entry point Appium loads (package.json `appium.mainClass` names the export). */
export { RioVdeviceDriver, RioVdeviceDriver as default } from './lib/driver.js';
