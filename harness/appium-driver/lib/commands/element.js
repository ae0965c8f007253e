/** Element state and interaction, answered from the current dump and `input` events. */
import { errors } from '@appium/base-driver';
import { UiHierarchy, parseBounds } from '../ui-hierarchy.js';

function rectOf(el) {
  const r = parseBounds(el.getAttribute('bounds'));
  if (!r) throw new errors.UnknownError(`rio: element has no bounds (${el.getAttribute('bounds')})`);
  return r;
}

export const elementCommands = {
  /** Clicks with `input tap` at the element's centre, as a finger would. */
  async click(elementId) {
    const r = rectOf(await this.currentElement(elementId));
    await this.adb.tap(r.x + r.width / 2, r.y + r.height / 2);
  },

  async getText(elementId) {
    return (await this.currentElement(elementId)).getAttribute('text');
  },

  /** UiAutomator2 attribute names (text, content-desc, resource-id, class, bounds, displayed, …). */
  async getAttribute(name, elementId) {
    return UiHierarchy.attribute(await this.currentElement(elementId), name);
  },

  async getProperty(name, elementId) {
    return this.getAttribute(name, elementId);
  },

  async getName(elementId) {
    return (await this.currentElement(elementId)).getAttribute('class');
  },

  async getElementRect(elementId) {
    return rectOf(await this.currentElement(elementId));
  },

  async elementDisplayed(elementId) {
    return (await this.currentElement(elementId)).getAttribute('displayed') === 'true';
  },

  async elementEnabled(elementId) {
    return (await this.currentElement(elementId)).getAttribute('enabled') === 'true';
  },

  async elementSelected(elementId) {
    const el = await this.currentElement(elementId);
    return el.getAttribute('selected') === 'true' || el.getAttribute('checked') === 'true';
  },

  /** Types into the element: focus it with a tap, then `input text` (spaces as %s, like adb). */
  async setValue(value, elementId) {
    await this.click(elementId);
    const text = (Array.isArray(value) ? value.join('') : String(value)).replace(/ /g, '%s').replace(/'/g, `'\\''`);
    await this.adb.shell(`input text '${text}'`);
  },
};
