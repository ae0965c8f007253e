/** A render worker: receives a scenario's setup and a chunk of frame plans, returns JPEGs and truth. */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { FrameRenderer } from './frame-renderer.ts';
import type { FramePlan, ScenarioSetup } from './frame-plan.ts';

// One libvips thread per worker: the pool supplies the parallelism, and the machine has two cores.
sharp.concurrency(1);
const renderer = new FrameRenderer();
parentPort!.on('message', async (msg: { id: number; setup: ScenarioSetup; plans: FramePlan[] }) => {
  try {
    parentPort!.postMessage({ id: msg.id, frames: await renderer.render(msg.setup, msg.plans) });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
  }
});
