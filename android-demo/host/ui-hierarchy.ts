/** UiAutomator2-style page source for the twin's screens (what `uiautomator dump` prints on a phone). */

import { screenRoot, uiDumpXml, type UiNode } from '../../harness/src/render/ui-dump.ts';
import { APP_PACKAGE } from '../contract/app-identity.ts';

export type { Bounds, UiNode } from '../../harness/src/render/ui-dump.ts';

export const SCREEN = { width: 1080, height: 1920 } as const;

/** The whole window: a FrameLayout root holding `children`. */
export function hierarchyXml(children: UiNode[]): string {
  return uiDumpXml({ package: APP_PACKAGE, ...SCREEN, root: screenRoot(SCREEN.width, SCREEN.height, children) });
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
