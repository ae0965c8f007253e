/** UiAutomator2-style page source for the twin's screens (what `uiautomator dump` prints on a phone). */

import { APP_PACKAGE, resourceId } from '../contract/app-identity.ts';

export interface Bounds { x1: number; y1: number; x2: number; y2: number }
export interface UiNode {
  id?: string;            // short id: 'capture' → dev.riofarm.rio:id/capture
  cls: string;
  text?: string;
  desc?: string;
  bounds: Bounds;
  clickable?: boolean;
  children?: UiNode[];
}

export const SCREEN = { width: 1080, height: 1920 } as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function nodeXml(n: UiNode, index: number, depth: number): string {
  const b = n.bounds;
  const attrs = [
    ['index', index], ['text', n.text ?? ''], ['resource-id', n.id ? resourceId(n.id) : ''], ['class', n.cls],
    ['package', APP_PACKAGE], ['content-desc', n.desc ?? ''], ['checkable', false], ['checked', false],
    ['clickable', n.clickable ?? false], ['enabled', true], ['focusable', n.clickable ?? false], ['focused', false],
    ['long-clickable', false], ['password', false], ['scrollable', false], ['selected', false],
    ['bounds', `[${Math.round(b.x1)},${Math.round(b.y1)}][${Math.round(b.x2)},${Math.round(b.y2)}]`], ['displayed', true],
  ].map(([k, v]) => `${k}="${esc(String(v))}"`).join(' ');
  const pad = '  '.repeat(depth);
  const kids = n.children ?? [];
  if (kids.length === 0) return `${pad}<node ${attrs} />`;
  return `${pad}<node ${attrs}>\n${kids.map((c, i) => nodeXml(c, i, depth + 1)).join('\n')}\n${pad}</node>`;
}

/** The whole window: a FrameLayout root holding `children`. */
export function hierarchyXml(children: UiNode[]): string {
  const root: UiNode = { cls: 'android.widget.FrameLayout', bounds: { x1: 0, y1: 0, x2: SCREEN.width, y2: SCREEN.height }, children };
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<hierarchy index="0" class="hierarchy" rotation="0" width="${SCREEN.width}" height="${SCREEN.height}">\n${nodeXml(root, 0, 1)}\n</hierarchy>`;
}

/** The clickable node under a tap, topmost first. */
export function hitTest(nodes: UiNode[], x: number, y: number): UiNode | undefined {
  for (const n of [...nodes].reverse()) {
    const inner = n.children ? hitTest(n.children, x, y) : undefined;
    if (inner) return inner;
    const b = n.bounds;
    if (n.clickable && x >= b.x1 && x < b.x2 && y >= b.y1 && y < b.y2) return n;
  }
  return undefined;
}
