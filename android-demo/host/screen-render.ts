/** `screencap -p` of the twin: the laid-out screen drawn with sharp — frame + green card outline, or the crop. */
import sharp, { type OverlayOptions } from 'sharp';
import { SCREEN, type UiNode } from './ui-hierarchy.ts';
import { escapeMarkup } from '../../harness/src/render/markup.ts';
import type { CropView, PreviewFrame } from './preview-activity.ts';

export type ScreenContent = { kind: 'preview'; frame: PreviewFrame | undefined } | { kind: 'crop'; view: CropView };


/** Widgets (text, buttons) and the outline as one SVG layer over the images. */
function widgetsSvg(nodes: UiNode[], outline: string | undefined): Buffer {
  const parts: string[] = [];
  if (outline) parts.push(`<polygon points="${outline}" fill="none" stroke="#00e676" stroke-width="6" stroke-linejoin="round"/>`);
  for (const n of nodes) {
    const b = n.bounds;
    if (n.cls === 'android.widget.Button') {
      parts.push(`<rect x="${b.x1}" y="${b.y1}" width="${b.x2 - b.x1}" height="${b.y2 - b.y1}" rx="24" fill="#1e88e5"/>`);
      parts.push(`<text x="${(b.x1 + b.x2) / 2}" y="${(b.y1 + b.y2) / 2 + 16}" font-family="DejaVu Sans" font-size="44" fill="#fff" text-anchor="middle">${escapeMarkup(n.text ?? '')}</text>`);
    } else if (n.cls === 'android.widget.TextView') {
      parts.push(`<text x="${b.x1}" y="${b.y2 - 16}" font-family="DejaVu Sans" font-size="34" fill="#eee">${escapeMarkup(n.text ?? '')}</text>`);
    }
  }
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${SCREEN.width}" height="${SCREEN.height}">${parts.join('')}</svg>`);
}

export async function renderScreen(nodes: UiNode[], content: ScreenContent): Promise<Buffer> {
  const layers: OverlayOptions[] = [];
  let outline: string | undefined;
  if (content.kind === 'preview' && content.frame) {
    const { frame, detection } = content.frame;
    const preview = nodes.find((n) => n.id === 'preview')!.bounds;
    const w = preview.x2 - preview.x1, h = preview.y2 - preview.y1;
    const img = await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(w, h, { fit: 'fill' }).png().toBuffer();
    layers.push({ input: img, left: preview.x1, top: preview.y1 });
    if (detection) outline = detection.quad.map(([x, y]) => `${(x * w / frame.width).toFixed(1)},${(y * h / frame.height).toFixed(1)}`).join(' ');
  } else if (content.kind === 'crop') {
    const v = content.view;
    const b = nodes.find((n) => n.id === 'crop')!.bounds;
    const w = Math.max(1, Math.round(b.x2 - b.x1)), h = Math.max(1, Math.round(b.y2 - b.y1));
    const img = await sharp(v.pixels, { raw: { width: v.width, height: v.height, channels: 3 } }).resize(w, h, { fit: 'fill' }).png().toBuffer();
    layers.push({ input: img, left: Math.round(b.x1), top: Math.round(b.y1) });
  }
  layers.push({ input: widgetsSvg(nodes, outline), left: 0, top: 0 });
  return sharp({ create: { width: SCREEN.width, height: SCREEN.height, channels: 3, background: '#121212' } }).composite(layers).png().toBuffer();
}
