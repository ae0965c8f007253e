/**
 * One frame, in the physical order: geometry (scene albedo) → scene light → optics (blur) →
 * sensor (noise, gain, clipping) → ISP (white balance, tone) → JPEG. Also measures the truth:
 * each card's exact quad and the fraction of it that is visible in the frame.
 */
import sharp from 'sharp';
import { cardTexture } from './card-design.ts';
import { planeTexture } from './backgrounds.ts';
import { mul, rectQuad } from './homography.ts';
import { renderScene, sceneBuffers, type CardTexture, type PlaneTexture, type SceneBuffers } from './scene-render.ts';
import { applySceneLight } from './scene-light.ts';
import { defocus, motionBlur } from './optics.ts';
import { sensorAndIsp } from './sensor-isp.ts';
import { area, type Quad } from '../../harness/src/metrics/quad.ts';
import type { FramePlan, ScenarioSetup } from './frame-plan.ts';

export interface SceneAssets {
  plane: PlaneTexture | null;
  cards: CardTexture[];
}

export interface RenderedFrame {
  jpeg: Buffer;
  cards: { quad: Quad; visible: number }[];
}

export async function buildAssets(setup: ScenarioSetup): Promise<SceneAssets> {
  const [plane, cards] = await Promise.all([
    planeTexture(setup.background, setup.backgroundSeed, setup.plane),
    Promise.all(setup.designs.map((d) => cardTexture(d, setup.cardPxPerMm))),
  ]);
  return { plane, cards };
}

/**
 * The large arrays of one frame size. A render thread reuses them frame after frame: ~35 MB
 * allocated afresh for every frame cost more in garbage collection and page faults than drawing.
 */
export interface FrameBuffers {
  scene: SceneBuffers;
  bytes: Buffer;
}

export function frameBuffers(pixels: number): FrameBuffers {
  return { scene: sceneBuffers(pixels), bytes: Buffer.allocUnsafe(pixels * 3) };
}

/** Linear-light scene of a frame before the camera: used by tests to check geometry and light. */
export function sceneOf(setup: ScenarioSetup, assets: SceneAssets, plan: FramePlan, buffers?: SceneBuffers) {
  const placed = plan.cards.map((c) => ({ texture: assets.cards[c.card]!, toPlane: c.toPlane }));
  const scene = renderScene(setup.width, setup.height, plan.planeToFrame, assets.plane, placed, plan.fingers, buffers);
  const onFrame = placed.map((c) => ({ toFrame: mul(plan.planeToFrame, c.toPlane), widthMm: c.texture.widthMm, heightMm: c.texture.heightMm, gloss: c.texture.gloss }));
  return { scene, onFrame };
}

/** Renders a frame; `buffers` (of this frame size) are overwritten, and free again once this resolves. */
export async function renderFrame(setup: ScenarioSetup, assets: SceneAssets, plan: FramePlan,
  buffers = frameBuffers(setup.width * setup.height)): Promise<RenderedFrame> {
  const { scene, onFrame } = sceneOf(setup, assets, plan, buffers.scene);
  const cards = onFrame.map((c, k) => {
    const quad = rectQuad(c.toFrame, c.widthMm, c.heightMm);
    return { quad, visible: Math.min(1, scene.visibleArea[k]! / area(quad)) };
  });
  const p = plan.params;
  applySceneLight(scene, p, onFrame);
  let rgb = scene.rgb;
  if (p.motion_px >= 1) rgb = motionBlur(rgb, setup.width, setup.height, p.motion_px, p.motion_angle);
  if (p.defocus_px >= 1) rgb = defocus(rgb, setup.width, setup.height, p.defocus_px);
  const bytes = sensorAndIsp(rgb, p, plan.noiseSeed, buffers.bytes);
  const jpeg = await sharp(bytes, { raw: { width: setup.width, height: setup.height, channels: 3 } })
    .jpeg({ quality: p.jpeg_quality, chromaSubsampling: '4:2:0' }).toBuffer();
  return { jpeg, cards };
}
