// @ts-check
/**
 * W3C pointer actions, screen and keys. A touch pointer's down…up sequence becomes one adb `input`
 * gesture: `input tap` for a short press in place, `input swipe` for a drag (start → end point, the
 * sequence's duration) or for a long press (same point, held). `input` has no multi-point paths or
 * multi-touch, so intermediate moves only contribute their time and several pointers are refused.
 */
import { errors } from '@appium/base-driver';
import { util } from '@appium/support';

/** Android's long-press timeout: a press held at least this long is a long press, not a tap. */
const LONG_PRESS_MS = 500;
/** A finger moving less than this (px) between down and up still taps (touch slop). */
const TOUCH_SLOP_PX = 8;
const KEYCODE_BACK = 4;

/** @typedef {import('../driver-context.js').RioDriverContext} RioDriverContext */
/** @typedef {import('../driver-context.js').InputSource} InputSource */
/** @typedef {import('../driver-context.js').PointerAction} PointerAction */

export const actionCommands = /** @satisfies {ThisType<RioDriverContext>} */ ({
  /** @param {InputSource[] | undefined} actions */
  async performActions(actions) {
    const pointers = (actions ?? []).filter((s) => s.type === 'pointer');
    const pressing = pointers.filter((s) => (s.actions ?? []).some((a) => a.type === 'pointerDown'));
    if (pressing.length > 1) {
      throw new errors.NotImplementedError('rio: multi-touch actions are not supported (adb input has one pointer)');
    }
    for (const source of pointers) await this.playPointer(source);
    for (const source of actions ?? []) {
      if (source.type === 'key') throw new errors.NotImplementedError('rio: key actions are not supported; use mobile: shell input keyevent');
    }
  },

  async releaseActions() {},

  /**
   * Plays one pointer source's actions as adb input gestures.
   * @param {InputSource} source
   */
  async playPointer(source) {
    let pos = { x: 0, y: 0 };
    /** @type {{ start: { x: number, y: number }, elapsedMs: number } | null} */
    let gesture = null; // while the pointer is down
    for (const a of source.actions ?? []) {
      switch (a.type) {
        case 'pointerMove':
          pos = await this.moveTarget(a, pos);
          if (gesture) gesture.elapsedMs += a.duration ?? 0;
          break;
        case 'pause':
          if (gesture) gesture.elapsedMs += a.duration ?? 0;
          else await new Promise((r) => setTimeout(r, a.duration ?? 0));
          break;
        case 'pointerDown':
          gesture = { start: pos, elapsedMs: 0 };
          break;
        case 'pointerUp': {
          if (!gesture) break;
          const moved = Math.hypot(pos.x - gesture.start.x, pos.y - gesture.start.y);
          if (moved >= TOUCH_SLOP_PX) await this.adb.swipe(gesture.start.x, gesture.start.y, pos.x, pos.y, Math.max(gesture.elapsedMs, 1));
          else if (gesture.elapsedMs >= LONG_PRESS_MS) await this.adb.swipe(pos.x, pos.y, pos.x, pos.y, gesture.elapsedMs);
          else await this.adb.tap(pos.x, pos.y);
          gesture = null;
          break;
        }
        default:
          throw new errors.InvalidArgumentError(`rio: unknown pointer action '${a.type}'`);
      }
    }
  },

  /**
   * Where a pointerMove lands: viewport coordinates, relative to the pointer, or to an element's centre.
   * @param {PointerAction} a
   * @param {{ x: number, y: number }} pos
   * @returns {Promise<{ x: number, y: number }>}
   */
  async moveTarget(a, pos) {
    const x = a.x ?? 0;
    const y = a.y ?? 0;
    if (!a.origin || a.origin === 'viewport') return { x, y };
    if (a.origin === 'pointer') return { x: pos.x + x, y: pos.y + y };
    const r = await this.getElementRect(util.unwrapElement(/** @type {any} */ (a.origin)));
    return { x: r.x + r.width / 2 + x, y: r.y + r.height / 2 + y };
  },

  /**
   * `mobile: clickGesture` (UiAutomator2's shape): a tap at the element's centre, or at x/y (relative to it when both given).
   * @param {string} [elementId]
   * @param {number} [x]
   * @param {number} [y]
   */
  async clickGesture(elementId, x, y) {
    const p = await this.gesturePoint(elementId, x, y);
    await this.adb.tap(p.x, p.y);
  },

  /**
   * `mobile: longClickGesture`: a press held `duration` ms (default Android's long-press timeout).
   * @param {string} [elementId]
   * @param {number} [x]
   * @param {number} [y]
   * @param {number} [duration]
   */
  async longClickGesture(elementId, x, y, duration = LONG_PRESS_MS) {
    const p = await this.gesturePoint(elementId, x, y);
    await this.adb.swipe(p.x, p.y, p.x, p.y, duration);
  },

  /**
   * The point a gesture aims at.
   * @param {string | undefined} elementId
   * @param {number | undefined} x
   * @param {number | undefined} y
   * @returns {Promise<{ x: number, y: number }>}
   */
  async gesturePoint(elementId, x, y) {
    if (!elementId) {
      if (x === undefined || y === undefined) throw new errors.InvalidArgumentError('rio: a gesture needs elementId or both x and y');
      return { x, y };
    }
    const r = await this.getElementRect(util.unwrapElement(elementId));
    return x !== undefined && y !== undefined ? { x: r.x + x, y: r.y + y } : { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  },

  /** There are no web views to switch to: the only context is the native app. */
  async getCurrentContext() {
    return 'NATIVE_APP';
  },

  async getContexts() {
    return ['NATIVE_APP'];
  },

  /** POST /back: the Back key. */
  async back() {
    await this.adb.keyevent(KEYCODE_BACK);
  },

  /** GET /screenshot: `screencap -p`, base64. */
  async getScreenshot() {
    return (await this.adb.screencap()).toString('base64');
  },

  /**
   * GET /window/rect: the display size from `wm size`, else the hierarchy's root bounds.
   * @returns {Promise<import('../driver-context.js').Rect>}
   */
  async getWindowRect() {
    const size = (await this.adb.windowSize()) ?? (await this.readScreen()).screen;
    return { x: 0, y: 0, width: size.width, height: size.height };
  },

  async getWindowSize() {
    const { width, height } = await this.getWindowRect();
    return { width, height };
  },
});
