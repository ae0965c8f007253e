/**
 * .MainActivity of the host twin: the "camera" replays a manifest's frames (looping, default 5 fps)
 * through the same pipeline as the benchmark; the preview shows the card outline, Capture opens the
 * crop screen. Exposed to `uiautomator dump`, `input tap`, `input keyevent` and `screencap -p` with
 * the ids of CONTRACT.md "UI".
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppTwinContext, AppTwinUi, RunningApp } from '../../harness/vdevice/apps/app-twin.ts';
import type { Detection } from '../contract/results-schema.ts';
import { validateManifest } from '../contract/manifest-schema.ts';
import { loadApkModel, type ApkModel } from './apk-model.ts';
import { processFrame, type DecodedFrame, type FrameOutcome } from './frame-pipeline.ts';
import { crop } from '../cpp/rio-core.ts';
import { hierarchyXml, hitTest, SCREEN, type UiNode } from './ui-hierarchy.ts';
import { renderScreen } from './screen-render.ts';
import { CROP_MAX_SIDE } from './benchmark-activity.ts';

const DEFAULT_FPS = 5;
const KEYCODE_BACK = 4;
/** How long "No card to capture" stays up. */
const NOTICE_MS = 2000;

export interface PreviewFrame { index: number; frame: DecodedFrame; detection?: Detection; outcome: FrameOutcome }
export interface CropView { index: number; quad: Detection['quad']; pixels: Buffer; width: number; height: number; timings: string }

/** The live state both the hierarchy and the screenshot are drawn from. */
export class PreviewScreen implements AppTwinUi {
  current: PreviewFrame | undefined;
  cropView: CropView | undefined;
  /** the camera's field of view across the frame's longer side (the manifest's `camera`), for crops */
  cameraFovDeg: number | undefined;
  private notice: { text: string; until: number } | undefined;

  /** Preview: frame fitted to the width at the top; crop: the crop fitted into a box. */
  layout(): UiNode[] {
    const fw = this.current?.frame.width ?? 16, fh = this.current?.frame.height ?? 9;
    const previewH = Math.round(SCREEN.width * fh / fw);
    const button = (id: string, label: string): UiNode => ({ id, cls: 'android.widget.Button', text: label, desc: label, clickable: true, bounds: { x1: 340, y1: 1700, x2: 740, y2: 1820 } });
    const text = (id: string, t: string, y: number): UiNode => ({ id, cls: 'android.widget.TextView', text: t, bounds: { x1: 40, y1: y, x2: 1040, y2: y + 60 } });
    if (this.cropView) {
      const c = this.cropView;
      const s = Math.min(1000 / c.width, 1000 / c.height);
      const w = c.width * s, h = c.height * s;
      return [
        { id: 'crop', cls: 'android.widget.ImageView', desc: 'Card crop', bounds: { x1: 540 - w / 2, y1: 600 - h / 2, x2: 540 + w / 2, y2: 600 + h / 2 } },
        text('crop_quad', quadText(c.quad), 1200),
        text('frame_index', String(c.index), 1280),
        text('timings', c.timings, 1360),
        button('back', 'Back'),
      ];
    }
    const nodes: UiNode[] = [{ id: 'preview', cls: 'android.widget.ImageView', desc: 'Camera preview', bounds: { x1: 0, y1: 0, x2: SCREEN.width, y2: previewH } }];
    const d = this.current?.detection;
    if (d) {
      const xs = d.quad.map((p) => p[0] * SCREEN.width / fw), ys = d.quad.map((p) => p[1] * SCREEN.width / fw);
      nodes.push({ id: 'overlay', cls: 'android.view.View', desc: 'Card outline', text: quadText(d.quad),
        bounds: { x1: Math.max(0, Math.min(...xs)), y1: Math.max(0, Math.min(...ys)), x2: Math.min(SCREEN.width, Math.max(...xs)), y2: Math.min(previewH, Math.max(...ys)) } });
    }
    nodes.push(text('frame_index', this.current ? String(this.current.index) : '', 1500));
    nodes.push(text('status', this.statusText(), 1580));
    nodes.push(button('capture', 'Capture'));
    return nodes;
  }

  private statusText(): string {
    if (this.notice && performance.now() < this.notice.until) return this.notice.text;
    if (!this.current) return 'Waiting for the camera';
    return this.current.detection ? 'Card detected' : 'Searching for a card';
  }

  dumpHierarchy(): string {
    return hierarchyXml(this.layout());
  }

  tap(x: number, y: number): void {
    const hit = hitTest(this.layout(), x, y);
    if (hit?.id === 'capture') this.capture();
    else if (hit?.id === 'back') this.cropView = undefined;
  }

  keyevent(code: number): void {
    if (code === KEYCODE_BACK) this.cropView = undefined;
  }

  /** Capture: perspective crop of the current detection, with the frame's stage timings. */
  capture(): void {
    const cur = this.current;
    if (!cur?.detection) {
      this.notice = { text: 'No card to capture', until: performance.now() + NOTICE_MS };
      return;
    }
    const t0 = performance.now();
    const c = crop({ pixels: cur.frame.rgb, width: cur.frame.width, height: cur.frame.height, channels: 3, quad: cur.detection.quad,
      maxSide: CROP_MAX_SIDE, fovDeg: this.cameraFovDeg });
    const tCrop = performance.now() - t0;
    if (c.error) {
      this.notice = { text: `Crop failed: ${c.error.message}`, until: performance.now() + NOTICE_MS };
      return;
    }
    const o = cur.outcome;
    const f = (v: number) => v.toFixed(1);
    this.cropView = { index: cur.index, quad: cur.detection.quad, pixels: c.pixels, width: c.width, height: c.height,
      timings: `decode ${f(o.t_decode)} ms · pre ${f(o.t_pre)} ms · infer ${f(o.t_infer)} ms · post ${f(o.t_post)} ms · crop ${f(tCrop)} ms` };
  }

  screencap(): Promise<Buffer> {
    return renderScreen(this.layout(), this.cropView ? { kind: 'crop', view: this.cropView } : { kind: 'preview', frame: this.current });
  }
}

function quadText(q: Detection['quad']): string {
  return q.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ');
}

export async function startPreview(ctx: AppTwinContext): Promise<RunningApp> {
  const screen = new PreviewScreen();
  const fps = typeof ctx.extras.fps === 'number' && ctx.extras.fps > 0 ? ctx.extras.fps : DEFAULT_FPS;
  let frames: { index: number; file: string }[] = [];
  let model: ApkModel | undefined;
  if (typeof ctx.extras.manifest === 'string') {
    const manifest = validateManifest(JSON.parse(await readFile(ctx.hostPath(ctx.extras.manifest), 'utf8')), ctx.extras.manifest);
    frames = manifest.frames;
    screen.cameraFovDeg = manifest.camera?.fov_deg;
    model = await loadApkModel(ctx.apkHostPath);
  } else {
    ctx.log('W', 'RIO', 'MainActivity: no manifest extra; the host twin has no camera frames to show');
  }
  const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  const camera = async () => {
    for (let k = 0; frames.length > 0 && model && !ctx.signal.aborted; ) {
      const t0 = performance.now();
      if (!screen.cropView) {
        const f = frames[k % frames.length]!;
        await ctx.beforeWork(f.index);
        const outcome = await processFrame(model, ctx.hostPath(posix.join(ctx.externalFilesDir, f.file)), ctx.slowdown);
        if (outcome.frame) screen.current = { index: f.index, frame: outcome.frame, detection: outcome.detections[0], outcome };
        k++;
      }
      await Promise.race([sleep(Math.max(0, 1000 / fps - (performance.now() - t0))), aborted]);
    }
  };
  return { ui: screen, done: Promise.all([camera(), aborted]).then(() => undefined) };
}
