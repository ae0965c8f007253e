import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { renderUnder, testSpec } from './test-fixtures.ts';
import { CONDITION_NAMES } from './conditions.ts';
import type { Quad } from '../../harness/src/metrics/quad.ts';

type Frame = Awaited<ReturnType<typeof renderUnder>>;
const spec = testSpec({ background: 'dark_cloth' });
const frames: Record<string, Frame> = {};

before(async () => {
  for (const c of CONDITION_NAMES) frames[c] = await renderUnder(spec, c);
});

const lum = (f: Frame, i: number) => 0.2126 * f.rgb[i * 3]! + 0.7152 * f.rgb[i * 3 + 1]! + 0.0722 * f.rgb[i * 3 + 2]!;

/** Pixel indices well inside the card's quad (shrunk towards its centre). */
function cardPixels(f: Frame, shrink = 0.8): number[] {
  const q = f.cards[0]!.quad;
  const cx = q.reduce((s, p) => s + p[0], 0) / 4, cy = q.reduce((s, p) => s + p[1], 0) / 4;
  const inner = q.map(([x, y]) => [cx + (x - cx) * shrink, cy + (y - cy) * shrink]) as unknown as Quad;
  const out: number[] = [];
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) if (inside(inner, x + 0.5, y + 0.5)) out.push(y * f.width + x);
  return out;
}
function inside(q: Quad, x: number, y: number): boolean {
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = q[i]!, [bx, by] = q[(i + 1) % 4]!;
    if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0) return false;
  }
  return true;
}
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const allPixels = (f: Frame) => Array.from({ length: f.width * f.height }, (_, i) => i);
/** Mean of each channel over pixels: the white point of a white card. */
const channelMeans = (f: Frame, px: number[]) => [0, 1, 2].map((c) => mean(px.map((i) => f.rgb[i * 3 + c]!)));
/** Mean absolute difference between horizontal neighbours: high-frequency detail (and noise). */
function detail(f: Frame, px: number[]): number {
  return mean(px.map((i) => Math.abs(lum(f, i) - lum(f, i + 1))));
}

test('every condition leaves the truth quad untouched', () => {
  const ref = frames.daylight!.cards[0]!.quad;
  for (const c of CONDITION_NAMES) assert.deepEqual(frames[c]!.cards[0]!.quad, ref, c);
});

test('dim, night and tungsten lower the mean luminance; over-exposure raises it and clips', () => {
  const m = (c: string) => mean(allPixels(frames[c]!).map((i) => lum(frames[c]!, i)));
  for (const c of ['dim_indoor', 'night', 'tungsten']) assert.ok(m(c) < m('daylight') * 0.85, `${c}: ${m(c)} vs ${m('daylight')}`);
  assert.ok(m('overexposed') > m('daylight') * 1.3);
  const clipped = (c: string) => cardPixels(frames[c]!).filter((i) => lum(frames[c]!, i) >= 250).length;
  assert.ok(clipped('overexposed') > clipped('daylight') + 100);
});

test('warm tungsten shifts the white point towards red; fluorescent towards green', () => {
  const px = cardPixels(frames.daylight!);
  const [dr, dg, db] = channelMeans(frames.daylight!, px);
  const [tr, , tb] = channelMeans(frames.tungsten!, px);
  assert.ok(tr! / tb! > (dr! / db!) * 1.15, `R/B tungsten ${tr! / tb!} vs daylight ${dr! / db!}`);
  const [fr, fg, fb] = channelMeans(frames.fluorescent!, px);
  assert.ok(fg! / (fr! + fb!) > dg! / (dr! + db!) * 1.03, 'green tint');
});

test('glare raises the card\'s peak', () => {
  const peak = (c: string) => {
    const v = cardPixels(frames[c]!, 1).map((i) => lum(frames[c]!, i)).sort((a, b) => b - a);
    return mean(v.slice(0, 50));
  };
  assert.ok(peak('glare') > peak('daylight') + 3, `${peak('glare')} vs ${peak('daylight')}`);
});

test('a hard shadow darkens part of the card; backlight brightens the frame edge and darkens the card', () => {
  const px = cardPixels(frames.daylight!);
  const sorted = (c: string) => px.map((i) => lum(frames[c]!, i)).sort((a, b) => a - b);
  assert.ok(mean(sorted('hard_shadow').slice(0, 200)) < mean(sorted('daylight').slice(0, 200)) * 0.7);
  const f = frames.backlit!, d = frames.daylight!;
  const maxAll = (fr: Frame) => allPixels(fr).reduce((m, i) => Math.max(m, lum(fr, i)), 0);
  assert.ok(maxAll(f) > 250, 'the window is blown out');
  assert.ok(mean(px.map((i) => lum(f, i))) < mean(px.map((i) => lum(d, i))));
});

test('night adds noise; motion blur and defocus remove detail', () => {
  // Flat area: the frame's first rows (dark cloth), away from the card.
  const flat = Array.from({ length: 40 * 200 }, (_, k) => Math.floor(k / 200) * 640 + (k % 200) + 10);
  const noise = (c: string) => { const l = flat.map((i) => lum(frames[c]!, i)); const m = mean(l); return Math.sqrt(mean(l.map((v) => (v - m) ** 2))) / Math.max(1, m); };
  assert.ok(noise('night') > noise('daylight') * 1.5, `relative noise ${noise('night')} vs ${noise('daylight')}`);
  const px = cardPixels(frames.daylight!, 0.9);
  for (const c of ['motion_blur', 'defocus']) assert.ok(detail(frames[c]!, px) < detail(frames.daylight!, px) * 0.7, c);
});

test('mixed light differs in colour across the frame; the JPEG sweep lowers quality over its frames', async () => {
  const f = frames.mixed!;
  const a = Math.PI * f.params.mix_angle / 180;
  const ends = [-1, 1].map((s) => {
    const x = Math.round(320 + s * Math.cos(a) * 200), y = Math.round(180 + s * Math.sin(a) * 120);
    const px: number[] = [];
    for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) px.push((y + dy) * 640 + x + dx);
    const [r, , b] = channelMeans(f, px);
    return r! / b!;
  });
  assert.ok(Math.abs(ends[0]! - ends[1]!) > 0.15, `R/B at either side: ${ends}`);
  const sweep = { ...spec, frames: 3 };
  const first = await renderUnder(sweep, 'jpeg_sweep');
  assert.equal(first.params.jpeg_quality, 95);
  const low = await renderUnder(sweep, 'jpeg_sweep', { jpeg_quality: 12 });
  assert.ok(low.jpeg.length < first.jpeg.length * 0.5);
});
