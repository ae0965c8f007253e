/**
 * A pool of render workers. Frame rendering is CPU-bound JavaScript plus libvips; two workers keep
 * both cores of the farm host busy. Chunks of one scenario go to a worker that already holds its textures.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { RioError } from '../../harness/src/errors.ts';
import type { FramePlan, ScenarioSetup } from './frame-plan.ts';
import type { RenderedPlan } from './frame-renderer.ts';

interface Job {
  id: number;
  setup: ScenarioSetup;
  plans: FramePlan[];
  resolve: (f: RenderedPlan[]) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: Job | null;
  lastKey: string;
}

export const DEFAULT_WORKERS = Math.max(1, Math.min(2, availableParallelism()));

export class RenderPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;

  constructor(size = DEFAULT_WORKERS) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./render-worker.mjs', import.meta.url));
      const slot: Slot = { worker, busy: null, lastKey: '' };
      worker.on('message', (m: { id: number; frames?: RenderedPlan[]; error?: string }) => {
        const job = slot.busy!;
        slot.busy = null;
        if (m.error) job.reject(new RioError('INTERNAL_ERROR', `frame render failed: ${m.error}`, { scenario: job.setup.key.slice(0, 12) }));
        else job.resolve(m.frames!.map((f) => ({ ...f, jpeg: Buffer.from(f.jpeg.buffer, f.jpeg.byteOffset, f.jpeg.byteLength) })));
        this.pump();
      });
      // A worker that dies (out of memory, a native crash) fails its job and leaves the pool;
      // when none is left, everything still queued fails instead of waiting forever.
      const retire = (err: Error) => {
        if (!this.slots.includes(slot)) return;
        this.slots = this.slots.filter((s) => s !== slot);
        slot.busy?.reject(err);
        slot.busy = null;
        if (this.slots.length === 0) for (const job of this.queue.splice(0)) job.reject(err);
        else this.pump();
      };
      worker.on('error', (err) => retire(err));
      worker.on('exit', (code) => retire(new RioError('INTERNAL_ERROR', `render worker exited (code ${code})`)));
      this.slots.push(slot);
    }
  }

  render(setup: ScenarioSetup, plans: FramePlan[]): Promise<RenderedPlan[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, setup, plans, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (;;) {
      const free = this.slots.filter((s) => !s.busy);
      if (free.length === 0 || this.queue.length === 0) return;
      // Prefer a free worker that already has this scenario's textures.
      const job = this.queue.shift()!;
      const slot = free.find((s) => s.lastKey === job.setup.key) ?? free[0]!;
      slot.busy = job;
      slot.lastKey = job.setup.key;
      slot.worker.postMessage({ id: job.id, setup: job.setup, plans: job.plans });
    }
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
