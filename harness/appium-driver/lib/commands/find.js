// @ts-check
/** Locating elements: every lookup reads a fresh `uiautomator dump`, so results reflect the screen now. */
import { errors } from '@appium/base-driver';
import { util } from '@appium/support';
import { UiHierarchy } from '../ui-hierarchy.js';

/** How often a find re-dumps the screen while the implicit wait runs (a dump costs a few ms here). */
const FIND_POLL_MS = 100;

/** @typedef {import('../driver-context.js').RioDriverContext} RioDriverContext */
/** @typedef {import('@xmldom/xmldom').Element} Element */
/** @typedef {import('../ui-hierarchy.js').UiHierarchy} Screen */

export const findCommands = /** @satisfies {ThisType<RioDriverContext>} */ ({
  /**
   * GET /source: the hierarchy in UiAutomator2's format.
   * @returns {Promise<string>}
   */
  async getPageSource() {
    return (await this.readScreen()).toXml();
  },

  /**
   * Dumps and parses the current screen.
   * @returns {Promise<Screen>}
   */
  async readScreen() {
    const xml = await this.adb.uiDump();
    try {
      return new UiHierarchy(xml);
    } catch (err) {
      throw new errors.UnknownError(`rio: cannot parse the uiautomator dump of ${this.adb.serial}: ${err instanceof Error ? err.message : String(err)}`);
    }
  },

  /**
   * BaseDriver's find hook: polls until found or the implicit wait runs out.
   * @param {string} strategy
   * @param {string} selector
   * @param {boolean} mult
   * @param {string} [context] an element id to search below
   */
  async findElOrEls(strategy, selector, mult, context) {
    const deadline = Date.now() + this.implicitWaitMs;
    for (;;) {
      const screen = await this.readScreen();
      const scope = context ? this.resolveElement(screen, context) : undefined;
      /** @type {Element[]} */
      let found;
      try {
        found = screen.find(strategy, selector, scope, this.opts.appPackage);
      } catch (err) {
        throw new errors.InvalidSelectorError(`rio: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (found.length > 0 || Date.now() >= deadline) {
        if (mult) return found.map((el) => this.registerElement(screen, el));
        if (found.length === 0) {
          throw new errors.NoSuchElementError(
            `rio: no element matches ${strategy} '${selector}'${context ? ` inside element ${context}` : ''} ` +
            `on ${this.adb.serial} after ${this.implicitWaitMs} ms`);
        }
        return this.registerElement(screen, /** @type {Element} */ (found[0]));
      }
      await new Promise((r) => setTimeout(r, FIND_POLL_MS));
    }
  },

  /**
   * Gives an element a W3C id that remembers where it was and what it was.
   * @param {Screen} screen
   * @param {Element} el
   */
  registerElement(screen, el) {
    const id = `rio-${++this.elementCounter}`;
    this.elements.set(id, { path: screen.pathOf(el), cls: el.getAttribute('class'), resourceId: el.getAttribute('resource-id') });
    return util.wrapElement(id);
  },

  /**
   * The element an id refers to on the current screen. If that place now holds a different
   * widget (another class or resource id) or nothing, the screen changed: the element is stale.
   * @param {Screen} screen
   * @param {string} elementId
   * @returns {Element}
   */
  resolveElement(screen, elementId) {
    const ref = this.elements.get(elementId);
    if (!ref) throw new errors.NoSuchElementError(`rio: element id ${elementId} was never returned by this session`);
    const el = screen.atPath(ref.path);
    if (!el || el.getAttribute('class') !== ref.cls || el.getAttribute('resource-id') !== ref.resourceId) {
      throw new errors.StaleElementReferenceError(
        `rio: element ${elementId} (${ref.cls}${ref.resourceId ? ` ${ref.resourceId}` : ''}) is no longer on the screen of ${this.adb.serial}`);
    }
    return el;
  },

  /**
   * Dumps the screen and returns the element an id refers to.
   * @param {string} elementId
   */
  async currentElement(elementId) {
    return this.resolveElement(await this.readScreen(), elementId);
  },
});
