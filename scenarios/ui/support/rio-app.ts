/**
 * The demo app's UI as the specs see it: selectors from android-demo/CONTRACT.md ("UI") and the
 * few gestures a user makes. The same selectors work with UiAutomator2 on phones and with the
 * rio driver on vdevices.
 */
import { $, browser } from '@wdio/globals';
import type { Quad } from '../../../harness/src/metrics/quad.ts';
import { APP_PACKAGE, appComponent, MAIN_ACTIVITY as MAIN, resourceId } from '../../../android-demo/contract/app-identity.ts';

export { APP_PACKAGE };
export const MAIN_ACTIVITY = appComponent(MAIN);

const id = (name: string) => `id=${resourceId(name)}`;
export const Preview = {
  preview: () => $(id('preview')),
  overlay: () => $(id('overlay')),
  status: () => $(id('status')),
  capture: () => $('~Capture'),
};
export const Crop = {
  crop: () => $(id('crop')),
  cropQuad: () => $(id('crop_quad')),
  frameIndex: () => $(id('frame_index')),
  timings: () => $(id('timings')),
  back: () => $('~Back'),
};

/** Starts (after force-stopping) the preview, replaying a pushed manifest on vdevices. */
export async function launchPreview(manifestDevicePath?: string): Promise<void> {
  await browser.execute('mobile: startActivity', {
    intent: MAIN_ACTIVITY, wait: true, stop: true,
    extras: manifestDevicePath ? [['s', 'manifest', manifestDevicePath]] : [],
  });
}

/** Parses the app's quad text `x0,y0 x1,y1 x2,y2 x3,y3` (frame pixels). */
export function parseQuadText(text: string): Quad {
  const pts = text.trim().split(/\s+/).map((p) => p.split(',').map(Number));
  if (pts.length !== 4 || pts.some((p) => p.length !== 2 || p.some((v) => !Number.isFinite(v)))) {
    throw new Error(`the app's quad text is not four x,y points: '${text}'`);
  }
  return pts as unknown as Quad;
}

/** Parses `decode 3.1 ms · pre 1.2 ms · infer 20.4 ms · post 0.8 ms · crop 2.0 ms` into {decode: 3.1, …}. */
export function parseTimings(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/([a-z]+)\s+([\d.]+)\s*ms/g)) out[m[1]!] = Number(m[2]);
  return out;
}
