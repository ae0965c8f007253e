/**
 * `uiautomator dump` XML, the one writer: the RIO app twin's screens, the vdevice launcher and the
 * hello twin all describe their widgets as UiNode trees and print them here, with UiAutomator2's
 * attributes in its order (what the rio Appium driver and UiAutomator2 clients parse).
 */
import { escapeMarkup } from './markup.ts';

export interface Bounds { x1: number; y1: number; x2: number; y2: number }
export interface UiNode {
  /** resource id: a bare short id ('capture') is qualified with the package (`pkg:id/capture`) */
  id?: string;
  cls: string;
  text?: string;
  desc?: string;
  bounds: Bounds;
  clickable?: boolean;
  longClickable?: boolean;
  scrollable?: boolean;
  children?: UiNode[];
}

export interface UiWindow { package: string; width: number; height: number; root: UiNode }

function resourceId(pkg: string, id: string | undefined): string {
  if (!id) return '';
  return id.includes(':id/') ? id : `${pkg}:id/${id}`;
}

function nodeXml(pkg: string, n: UiNode, index: number, depth: number): string {
  const b = n.bounds;
  const attrs = [
    ['index', index], ['text', n.text ?? ''], ['resource-id', resourceId(pkg, n.id)], ['class', n.cls],
    ['package', pkg], ['content-desc', n.desc ?? ''], ['checkable', false], ['checked', false],
    ['clickable', n.clickable ?? false], ['enabled', true], ['focusable', n.clickable ?? false], ['focused', false],
    ['long-clickable', n.longClickable ?? false], ['password', false], ['scrollable', n.scrollable ?? false], ['selected', false],
    ['bounds', `[${Math.round(b.x1)},${Math.round(b.y1)}][${Math.round(b.x2)},${Math.round(b.y2)}]`], ['displayed', true],
  ].map(([k, v]) => `${k}="${escapeMarkup(String(v))}"`).join(' ');
  const pad = '  '.repeat(depth);
  const kids = n.children ?? [];
  if (kids.length === 0) return `${pad}<node ${attrs} />`;
  return `${pad}<node ${attrs}>\n${kids.map((c, i) => nodeXml(pkg, c, i, depth + 1)).join('\n')}\n${pad}</node>`;
}

/** The dump of one window: its root node (usually a full-screen FrameLayout) and everything below. */
export function uiDumpXml(w: UiWindow): string {
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<hierarchy index="0" class="hierarchy" rotation="0" width="${w.width}" height="${w.height}">\n${nodeXml(w.package, w.root, 0, 1)}\n</hierarchy>`;
}

/** A full-screen FrameLayout holding `children`: the root every window's dump starts from. */
export function screenRoot(width: number, height: number, children: UiNode[]): UiNode {
  return { cls: 'android.widget.FrameLayout', bounds: { x1: 0, y1: 0, x2: width, y2: height }, children };
}
