/**
 * A tiny app twin that proves the runtime hook: `am start -n dev.riofarm.hello/.MainActivity
 * --es message TEXT --ei frames N` writes hello.txt into its external files dir, logs one line per
 * frame under tag HELLO (going through beforeWork, so device faults apply), and exposes a
 * one-button UI whose tap count shows in `uiautomator dump`.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import type { AppTwin, AppTwinContext, AppTwinUi, RunningApp } from './app-twin.ts';
import { screenRoot, uiDumpXml, type UiNode } from '../../src/render/ui-dump.ts';

class HelloUi implements AppTwinUi {
  taps = 0;
  async screencap(): Promise<Buffer> {
    const png = new PNG({ width: 64, height: 64 });
    png.data.fill(0xff);
    for (let i = 0; i < png.data.length; i += 4) png.data[i] = this.taps % 2 ? 0 : 0xff;
    return PNG.sync.write(png);
  }
  dumpHierarchy(): string {
    const button: UiNode = { id: 'button', cls: 'android.widget.Button', text: `Tapped ${this.taps}`, clickable: true,
      bounds: { x1: 100, y1: 100, x2: 500, y2: 300 } };
    return uiDumpXml({ package: 'dev.riofarm.hello', width: 1080, height: 2400, root: screenRoot(1080, 2400, [button]) });
  }
  tap(x: number, y: number): void {
    if (x >= 100 && x <= 500 && y >= 100 && y <= 300) this.taps++;
  }
}

async function run(ctx: AppTwinContext): Promise<void> {
  const frames = Number(ctx.extras.frames ?? 0);
  for (let i = 0; i < frames; i++) {
    const asked = performance.now();
    await ctx.beforeWork(i);
    // how long the device held this frame back (thermal duty-cycling), as the app itself sees it
    const waited = performance.now() - asked;
    const until = Date.now() + Number(ctx.extras.work_ms ?? 1);
    while (Date.now() < until) { /* a frame's worth of CPU work */ }
    ctx.log('I', 'HELLO', `frame ${i} thermal=${ctx.thermalStatus()} waited=${waited.toFixed(1)}`);
  }
  const out = ctx.hostPath(`${ctx.externalFilesDir}/hello.txt`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${String(ctx.extras.message ?? 'hello')}\n`);
  ctx.log('I', 'HELLO', `done frames=${frames}`);
}

export const twin: AppTwin = {
  async start(ctx: AppTwinContext): Promise<RunningApp> {
    ctx.log('I', 'HELLO', `started ${ctx.activity} apk=${ctx.apkHostPath.endsWith('base.apk')}`);
    const ui = new HelloUi();
    // with frames=0 the activity stays open (a UI app) until force-stopped
    const done = Number(ctx.extras.frames ?? 0) > 0 || ctx.extras.message !== undefined
      ? run(ctx)
      : new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    return { done, ui };
  },
};
