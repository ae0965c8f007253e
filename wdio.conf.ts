/// <reference types="@wdio/globals/types" />
/**
 * WebdriverIO + Appium 3 + mocha: the UI capture specs (scenarios/ui/specs) on every device of the
 * farm, one capability — hence one parallel worker — per device.
 *
 *   npm run test:ui                    vdevices (started here when no device is attached)
 *   RIO_TARGET=real npm run test:ui    USB phones through UiAutomator2 (see scenarios/ui/README.md)
 *
 * The launcher (onPrepare) finds or starts devices, installs the demo APK, pushes the scenario
 * frames and writes the run plan; workers only talk to Appium. onComplete stores every spec
 * attempt in the rio-farm store (labelled `ui`) and stops what onPrepare started.
 */
import { fileURLToPath } from 'node:url';
import { prepareUiFarm, type UiFarm } from './scenarios/ui/farm/prepare.ts';
import { RioError } from './harness/src/errors.ts';
import { storeUiRun, VERDICT_ENV } from './scenarios/ui/farm/store-ui-run.ts';
import { freePort } from './harness/src/devices/index.ts';
import { forgetForeignDriverManifest } from './harness/appium-driver/test/appium-server.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const OUT_DIR = process.env.RIO_UI_OUT ?? `${ROOT}reports/ui`;

// Appium finds the rio driver (a `file:` devDependency) in this project's node_modules.
process.env.APPIUM_HOME ??= ROOT;
if (process.env.APPIUM_HOME === ROOT) forgetForeignDriverManifest();

let farm: UiFarm | undefined;

export const config: WebdriverIO.Config = {
  runner: 'local',
  autoXvfb: false,
  specs: [process.env.RIO_UI_SPECS ?? './scenarios/ui/specs/**/*.ui.ts'],
  // Filled in onPrepare: one capability per device.
  capabilities: [],
  maxInstances: 16,
  logLevel: 'warn',
  outputDir: `${OUT_DIR}/logs`,
  bail: 0,
  waitforTimeout: 5000,
  connectionRetryTimeout: 60_000,
  // Retrying requests hides a vanished device for minutes; deviceIt retries at the test level instead.
  connectionRetryCount: 1,
  // Spec-file retries would also retry product failures; infrastructure-only retries live in deviceIt.
  specFileRetries: 0,
  framework: 'mocha',
  mochaOpts: { ui: 'bdd', timeout: 120_000 },
  reporters: [
    'spec',
    ['junit', {
      outputDir: OUT_DIR,
      outputFileFormat: ({ cid, capabilities }) => {
        const caps = capabilities as Record<string, unknown>;
        return `junit-${String(caps['appium:udid'] ?? cid).replace(/[^\w.-]/g, '_')}.xml`;
      },
      // worker stdout per testcase: screenshot attachments and infrastructure-retry notes land in system-out
      addWorkerLogs: true,
    }],
  ],
  services: [
    ['appium', {
      // a free loopback port, picked in the launcher (workers read it from their capability)
      args: { address: '127.0.0.1', port: await freePort(), ...(process.env.RIO_UI_ALLOW_SHELL ? { allowInsecure: 'rio:adb_shell' } : {}) },
      logPath: `${OUT_DIR}/logs`,
    }],
  ],

  async onPrepare(_config, capabilities) {
    try {
      farm = await prepareUiFarm({ outDir: OUT_DIR, target: process.env.RIO_TARGET === 'real' ? 'real' : 'vdevice' });
    } catch (err) {
      // WDIO logs hook errors and carries on; with no capability it then stops (exit 1), and
      // run-ui.ts turns the verdict left here into exit 3 (bad input) or 2 (infrastructure).
      process.env[VERDICT_ENV] = err instanceof RioError && err.failureClass === 'bad-input' ? 'bad_input' : 'infra_failure';
      console.error(`rio: cannot prepare the UI run: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    (capabilities as WebdriverIO.Capabilities[]).push(...farm.capabilities);
    process.env[farm.planEnv] = farm.planPath;
  },

  async onComplete(exitCode) {
    if (!farm) return;
    try {
      await storeUiRun(farm.plan, farm.devices, farm.builtScenarios, exitCode);
    } finally {
      await farm.stop();
    }
  },
};
