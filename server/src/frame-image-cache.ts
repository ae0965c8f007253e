/**
 * Worst-frame images (frame-overlay.ts) by what they are drawn from: a repeat request is a lookup, a
 * new one waits its turn at the gate (sharp holds a core per image), and the kept JPEGs are bounded in bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameTruth } from './queries/frames.ts';
import { renderFrameOverlay } from './frame-overlay.ts';
import { RequestGate } from './request-gate.ts';

/** ~300 overlays of ~60 KB: every worst frame of a few dozen recent runs. */
const MAX_BYTES = 16 * 1024 * 1024;

export class FrameImageCache {
  private readonly kept = new Map<string, Buffer>();
  private bytes = 0;
  /** A run page asks for every device's worst frames at once (4 each): they queue, a flood is refused. */
  constructor(private readonly scenarioCacheDir: string, private readonly gate = new RequestGate('frame image', 2, 64)) {}

  /** The JPEG and whether it was already kept. */
  async image(truth: FrameTruth): Promise<{ jpeg: Buffer; hit: boolean }> {
    const key = this.keyOf(truth);
    const kept = this.kept.get(key);
    if (kept) {
      this.kept.delete(key); this.kept.set(key, kept); // most recently used last
      return { jpeg: kept, hit: true };
    }
    const jpeg = await this.gate.run(() => renderFrameOverlay(truth, this.scenarioCacheDir));
    this.kept.set(key, jpeg);
    this.bytes += jpeg.length;
    for (const [k, v] of this.kept) {
      if (this.bytes <= MAX_BYTES) break;
      this.kept.delete(k); this.bytes -= v.length;
    }
    return { jpeg, hit: false };
  }

  /** Everything the drawing depends on: the frame, its truth and detections, and whether the image is on this host. */
  private keyOf(t: FrameTruth): string {
    const onHost = t.sha256 !== null && /^[0-9a-f]{64}$/.test(t.sha256) && existsSync(join(this.scenarioCacheDir, 'frames', `${t.sha256}.jpg`));
    return createHash('sha256').update(JSON.stringify([t.measurement.attempt_id, t.measurement.frame_index, t.sha256, t.width, t.height,
      t.cards, t.measurement.detections_json, onHost])).digest('hex');
  }
}
