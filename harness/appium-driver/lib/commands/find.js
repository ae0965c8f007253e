/** Locating elements: every lookup reads a fresh `uiautomator dump`, so results reflect the screen now. */
import { errors } from '@appium/base-driver';
import { util } from '@appium/support';
import { UiHierarchy } from '../ui-hierarchy.js';

/** How often a find re-dumps the screen while the implicit wait runs (a dump costs a few ms here). */
const FIND_POLL_MS = 100;

export const findCommands = {
  /** GET /source: the hierarchy in UiAutomator2's format. */
  async getPageSource() {
    return (await this.readScreen()).toXml();
  },

  /** Dumps and parses the current screen. */
  async readScreen() {
    const xml = await this.adb.dumpHierarchy();
    try {
      return new UiHierarchy(xml);
    } catch (err) {
      throw new errors.UnknownError(`rio: cannot parse the uiautomator dump of ${this.adb.serial}: ${err.message}`);
    }
  },

  /** BaseDriver's find hook: polls until found or the implicit wait runs out. */
  async findElOrEls(strategy, selector, mult, context) {
    const deadline = Date.now() + this.implicitWaitMs;
    for (;;) {
      const screen = await this.readScreen();
      const scope = context ? this.resolveElement(screen, context) : undefined;
      let found;
      try {
        found = screen.find(strategy, selector, scope, this.opts.appPackage);
      } catch (err) {
        throw new errors.InvalidSelectorError(`rio: ${err.message}`);
      }
      if (found.length > 0 || Date.now() >= deadline) {
        if (mult) return found.map((el) => this.registerElement(screen, el));
        if (found.length === 0) {
          throw new errors.NoSuchElementError(
            `rio: no element matches ${strategy} '${selector}'${context ? ` inside element ${context}` : ''} ` +
            `on ${this.adb.serial} after ${this.implicitWaitMs} ms`);
        }
        return this.registerElement(screen, found[0]);
      }
      await new Promise((r) => setTimeout(r, FIND_POLL_MS));
    }
  },

  /** Gives an element a W3C id that remembers where it was and what it was. */
  registerElement(screen, el) {
    const id = `rio-${++this.elementCounter}`;
    this.elements.set(id, { path: screen.pathOf(el), cls: el.getAttribute('class'), resourceId: el.getAttribute('resource-id') });
    return util.wrapElement(id);
  },

  /**
   * The element an id refers to on the current screen. If that place now holds a different
   * widget (another class or resource id) or nothing, the screen changed: the element is stale.
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

  /** Dumps the screen and returns the element an id refers to. */
  async currentElement(elementId) {
    return this.resolveElement(await this.readScreen(), elementId);
  },
};
