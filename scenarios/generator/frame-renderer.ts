/** Renders plans of one scenario, keeping the scenario's textures while its frames keep coming. */
import { buildAssets, frameBuffers, renderFrame, type FrameBuffers, type RenderedFrame, type SceneAssets } from './render-frame.ts';
import type { FramePlan, ScenarioSetup } from './frame-plan.ts';

export interface RenderedPlan extends RenderedFrame {
  index: number;
}

export class FrameRenderer {
  private key = '';
  private assets: Promise<SceneAssets> | null = null;
  private buffers: FrameBuffers | null = null;

  async render(setup: ScenarioSetup, plans: FramePlan[]): Promise<RenderedPlan[]> {
    if (this.key !== setup.key || !this.assets) {
      this.key = setup.key;
      this.assets = buildAssets(setup);
    }
    const assets = await this.assets;
    const out: RenderedPlan[] = [];
    const pixels = setup.width * setup.height;
    if (this.buffers?.scene.cardId.length !== pixels) this.buffers = frameBuffers(pixels);
    // One frame at a time: the next frame reuses the buffers only after this one is encoded.
    for (const p of plans) out.push({ index: p.index, ...(await renderFrame(setup, assets, p, this.buffers)) });
    return out;
  }
}
