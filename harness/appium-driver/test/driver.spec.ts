/**
 * The rio Appium driver through a real Appium 3 server, against a vdevice running the demo app's
 * preview (host twin) over the real Debian adb server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { remote } from 'webdriverio';
import { startTestFarm } from '../../test-support/farm.ts';
import { ensureDemoApk } from '../../../android-demo/apk/index.ts';
import { startAppium, type AppiumServer } from './appium-server.ts';
import { APP_PACKAGE } from '../../../android-demo/contract/app-identity.ts';

const PKG = APP_PACKAGE;
const CAPTURE = `${PKG}:id/capture`;
const STATUS = `${PKG}:id/status`;

type Farm = Awaited<ReturnType<typeof startTestFarm>>;
type Browser = WebdriverIO.Browser;

/** The session installs the demo APK (`appium:app`) and starts its preview (appPackage/appActivity). */
function capsFor(farm: Farm, apk: string): WebdriverIO.Capabilities {
  return {
    platformName: 'Android', 'appium:automationName': 'RioVdevice', 'appium:udid': farm.serials[0]!,
    'appium:adbPort': farm.adbPort, 'appium:app': apk, 'appium:appPackage': PKG, 'appium:appActivity': '.MainActivity',
  };
}

async function session(appium: AppiumServer, farm: Farm, apk: string): Promise<Browser> {
  return remote({ hostname: '127.0.0.1', port: appium.port, logLevel: 'error', connectionRetryCount: 0, capabilities: capsFor(farm, apk) });
}

async function statusText(b: Browser): Promise<string> {
  return b.getElementText(elementId(await b.findElement('id', STATUS)));
}

/** Restarts the preview so each test starts from 'Waiting for the camera'. */
async function restartPreview(b: Browser): Promise<void> {
  await b.execute('mobile: startActivity', { intent: `${PKG}/.MainActivity`, stop: true });
}

function elementId(ref: Record<string, string>): string {
  return Object.values(ref)[0]!;
}

describe('rio Appium driver on a vdevice', { timeout: 240_000 }, () => {
  let farm: Farm;
  let appium: AppiumServer;
  let b: Browser;
  let apk: string;

  before(async () => {
    farm = await startTestFarm({ count: 1 });
    apk = (await ensureDemoApk()).path;
    appium = await startAppium(farm.env);
    b = await session(appium, farm, apk);
  });
  after(async () => {
    await b?.deleteSession().catch(() => {});
    await appium?.stop();
    await farm?.stop();
  });

  test('installs appium:app and starts appPackage/appActivity when the session starts', async () => {
    assert.match((await farm.adb(['-s', farm.serials[0]!, 'shell', 'pm', 'list', 'packages'])).stdout, new RegExp(`package:${PKG.replace(/\./g, '\\.')}`));
    assert.ok(await b.findElement('accessibility id', 'Camera preview'));
  });

  test('refuses a session for a device the adb server does not have, naming it', async () => {
    await assert.rejects(remote({ hostname: '127.0.0.1', port: appium.port, logLevel: 'silent', connectionRetryCount: 0,
      capabilities: { ...capsFor(farm, apk), 'appium:udid': '127.0.0.1:1' } }),
    new RegExp(`device 127\\.0\\.0\\.1:1 is not attached on the adb server at port ${farm.adbPort}`));
  });

  test('serves the page source in UiAutomator2 format (elements named by class)', async () => {
    const src = await b.getPageSource();
    assert.match(src, /^<\?xml[^>]*\?><hierarchy [^>]*rotation="0"/);
    assert.match(src, /<android\.widget\.FrameLayout [^>]*bounds="\[0,0\]\[1080,1920\]"/);
    assert.match(src, new RegExp(`<android\\.widget\\.Button [^>]*text="Capture" resource-id="${CAPTURE}"`));
  });

  test('finds the same element by id (full and short), accessibility id, xpath and class name', async () => {
    const byStrategy = [
      await b.findElement('id', CAPTURE),
      await b.findElement('id', 'capture'),
      await b.findElement('accessibility id', 'Capture'),
      await b.findElement('xpath', '//android.widget.Button[@text="Capture"]'),
      await b.findElement('class name', 'android.widget.Button'),
    ];
    for (const ref of byStrategy) assert.equal(await b.getElementAttribute(elementId(ref), 'resource-id'), CAPTURE);
    const texts = await b.findElements('class name', 'android.widget.TextView');
    assert.ok(texts.length >= 2, `expected the frame index and status TextViews, got ${texts.length}`);
  });

  test('finds elements within an element', async () => {
    const root = elementId(await b.findElement('class name', 'android.widget.FrameLayout'));
    const inside = await b.findElementFromElement(root, 'accessibility id', 'Capture');
    assert.equal(await b.getElementText(elementId(inside)), 'Capture');
    const button = elementId(await b.findElement('id', CAPTURE));
    const none = await b.findElementsFromElement(button, 'class name', 'android.widget.TextView');
    assert.deepEqual(none, []);
  });

  test('reads text, UiAutomator2 attributes, rect and displayed state', async () => {
    const el = elementId(await b.findElement('id', CAPTURE));
    assert.equal(await b.getElementText(el), 'Capture');
    assert.equal(await b.getElementAttribute(el, 'content-desc'), 'Capture');
    assert.equal(await b.getElementAttribute(el, 'contentDescription'), 'Capture');
    assert.equal(await b.getElementAttribute(el, 'className'), 'android.widget.Button');
    assert.equal(await b.getElementAttribute(el, 'clickable'), 'true');
    assert.equal(await b.getElementAttribute(el, 'bounds'), '[340,1700][740,1820]');
    assert.deepEqual(await b.getElementRect(el), { x: 340, y: 1700, width: 400, height: 120 });
    assert.equal(await b.isElementDisplayed(el), true);
  });

  test('clicks with input tap at the element centre', async () => {
    await restartPreview(b);
    assert.equal(await statusText(b), 'Waiting for the camera');
    await b.elementClick(elementId(await b.findElement('id', CAPTURE)));
    assert.equal(await statusText(b), 'No card to capture');
  });

  test('plays W3C pointer actions: a press in place taps, a drag swipes without tapping', async () => {
    await restartPreview(b);
    // a drag that starts on Capture and leaves it is a swipe: Android does not click on it
    await b.action('pointer', { parameters: { pointerType: 'touch' } })
      .move({ x: 540, y: 1760 }).down().move({ x: 540, y: 600, duration: 300 }).up().perform();
    assert.equal(await statusText(b), 'Waiting for the camera');
    assert.match(appium.log(), /shell input swipe 540 1760 540 600 300\b/);
    await b.action('pointer', { parameters: { pointerType: 'touch' } })
      .move({ x: 540, y: 1760 }).down().pause(50).up().perform();
    assert.equal(await statusText(b), 'No card to capture');
  });

  test("WebdriverIO's tap() (mobile: clickGesture) and swipe() (W3C actions) reach the device", async () => {
    await restartPreview(b);
    await b.$('~Capture').tap();
    assert.equal(await statusText(b), 'No card to capture');
    assert.match(appium.log(), /mobile: clickGesture/);
    await b.swipe({ from: { x: 540, y: 1500 }, to: { x: 540, y: 400 }, duration: 200 });
    assert.match(appium.log(), /shell input swipe 540 1500 540 400 210\b/);
  });

  test('takes a PNG screenshot of the whole screen', async () => {
    const png = Buffer.from(await b.takeScreenshot(), 'base64');
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
    const img = PNG.sync.read(png);
    assert.deepEqual([img.width, img.height], [1080, 1920]);
  });

  test('waits the implicit timeout, then says which element is missing', async () => {
    await b.setTimeouts(600);
    const t0 = Date.now();
    // WebdriverIO's protocol-level findElement answers with the W3C error object instead of throwing
    const res = await b.findElement('id', 'no_such_view') as unknown as { error: string; message: string };
    assert.equal(res.error, 'no such element');
    assert.match(res.message, /no element matches id 'no_such_view' on 127\.0\.0\.1:\d+ after 600 ms/);
    assert.ok(Date.now() - t0 >= 600, 'the find returned before the implicit wait');
    await b.setTimeouts(0);
  });

  test('says an element is stale once the screen no longer has it', async () => {
    const capture = elementId(await b.findElement('id', CAPTURE));
    assert.equal(await b.execute('mobile: terminateApp', { appId: PKG }), true);
    await assert.rejects(b.elementClick(capture), /stale element reference[\s\S]*no longer on the screen/);
    await b.execute('mobile: activateApp', { appId: PKG });
    await b.findElement('id', CAPTURE);
  });

  test('refuses mobile: shell unless Appium allows the insecure feature rio:adb_shell', async () => {
    await assert.rejects(b.execute('mobile: shell', { command: 'echo', args: ['hi'] }), /insecure feature 'adb_shell'/);
    const allowed = await startAppium(farm.env, ['--allow-insecure', 'rio:adb_shell']);
    const other = await session(allowed, farm, apk);
    try {
      assert.equal((await other.execute('mobile: shell', { command: 'echo', args: ['hi'] }) as string).trim(), 'hi');
      // the caller's timeout is the call's deadline: a command past the default 20 s still answers
      assert.equal((await other.execute('mobile: shell', { command: 'sleep 21; echo', args: ['late'], timeout: 40_000 }) as string).trim(), 'late');
      await assert.rejects(other.execute('mobile: shell', { command: 'sleep', args: ['5'], timeout: 500 }), /rio: TIMEOUT: .*longer than 500 ms/);
    } finally {
      await other.deleteSession().catch(() => {});
      await allowed.stop();
    }
  });
  test('mobile: startActivity quotes extras for the device shell and refuses an unknown extra type', async () => {
    const hostile = `'; touch /sdcard/pwned-quote; echo '$(touch /sdcard/pwned-subst)\`touch /sdcard/pwned-tick\``;
    await b.execute('mobile: startActivity', { intent: `${PKG}/.MainActivity`, stop: true, extras: [['s', 'label', hostile], ['i', 'fps', '5']] });
    const typed = farm.vdevices[0]!.core.openedServices.filter((s) => s.includes('am start')).pop() ?? '';
    assert.match(typed, /--es 'label' ''\\''; touch/, 'the value reached am start inside single quotes');
    for (const f of ['pwned-quote', 'pwned-subst', 'pwned-tick']) assert.equal(farm.vdevices[0]!.core.fs.exists(`/sdcard/${f}`), false, `${f} was not created`);
    await assert.rejects(b.execute('mobile: startActivity', { intent: `${PKG}/.MainActivity`, extras: [['s; touch /sdcard/pwned-type;', 'k', 'v']] }),
      /extra type .* is not one of s, i, z, f, l/);
    assert.equal(farm.vdevices[0]!.core.fs.exists('/sdcard/pwned-type'), false);
    await restartPreview(b);
  });
});
