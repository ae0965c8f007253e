// @ts-check
/** Element state and interaction, answered from the current dump and `input` events. */
import { errors } from '@appium/base-driver';
import { UiHierarchy, parseBounds } from '../ui-hierarchy.js';

/**
 * @param {Element} el
 * @returns {import('../driver-context.js').Rect}
 */
function rectOf(el) {
  const r = parseBounds(el.getAttribute('bounds'));
  if (!r) throw new errors.UnknownError(`rio: element has no bounds (${el.getAttribute('bounds')})`);
  return r;
}

/** @typedef {import('../driver-context.js').RioDriverContext} RioDriverContext */
/** @typedef {import('@xmldom/xmldom').Element} Element */
/** @typedef {import('../ui-hierarchy.js').UiHierarchy} Screen */

export const elementCommands = /** @satisfies {ThisType<RioDriverContext>} */ ({
  /**
   * Clicks with `input tap` at the element's centre, as a finger would.
   * @param {string} elementId
   */
  async click(elementId) {
    const r = rectOf(await this.currentElement(elementId));
    await this.adb.tap(r.x + r.width / 2, r.y + r.height / 2);
  },

  /** @param {string} elementId */
  async getText(elementId) {
    return (await this.currentElement(elementId)).getAttribute('text');
  },

  /**
   * UiAutomator2 attribute names (text, content-desc, resource-id, class, bounds, displayed, …).
   * @param {string} name
   * @param {string} elementId
   */
  async getAttribute(name, elementId) {
    return UiHierarchy.attribute(await this.currentElement(elementId), name);
  },

  /**
   * @param {string} name
   * @param {string} elementId
   */
  async getProperty(name, elementId) {
    return this.getAttribute(name, elementId);
  },

  /** @param {string} elementId */
  async getName(elementId) {
    return (await this.currentElement(elementId)).getAttribute('class');
  },

  /** @param {string} elementId */
  async getElementRect(elementId) {
    return rectOf(await this.currentElement(elementId));
  },

  /** @param {string} elementId */
  async elementDisplayed(elementId) {
    return (await this.currentElement(elementId)).getAttribute('displayed') === 'true';
  },

  /** @param {string} elementId */
  async elementEnabled(elementId) {
    return (await this.currentElement(elementId)).getAttribute('enabled') === 'true';
  },

  /** @param {string} elementId */
  async elementSelected(elementId) {
    const el = await this.currentElement(elementId);
    return el.getAttribute('selected') === 'true' || el.getAttribute('checked') === 'true';
  },

  /**
   * Types into the element: focus it with a tap, then `input text` (spaces as %s, like adb).
   * @param {string | string[]} value
   * @param {string} elementId
   */
  async setValue(value, elementId) {
    await this.click(elementId);
    const text = (Array.isArray(value) ? value.join('') : String(value)).replace(/ /g, '%s').replace(/'/g, `'\\''`);
    await this.adb.shell(`input text '${text}'`);
  },
});
