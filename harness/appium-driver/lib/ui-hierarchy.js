// @ts-check
/**
 * One `uiautomator dump` turned into UiAutomator2's page-source format, plus the lookups the
 * driver needs on it. UiAutomator2 names each element after its class
 * (`<android.widget.Button text="Capture" …>`), so XPath written for phones works here unchanged.
 */
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import xpath from 'xpath';

/** @typedef {import('@xmldom/xmldom').Element} Element */
/** @typedef {{ x: number, y: number, width: number, height: number }} Rect */

/** Attributes in the order UiAutomator2 writes them. */
const UIA2_ATTRIBUTES = ['index', 'package', 'class', 'text', 'resource-id', 'checkable', 'checked', 'clickable',
  'enabled', 'focusable', 'focused', 'long-clickable', 'password', 'scrollable', 'selected', 'bounds', 'displayed',
  'content-desc', 'hint'];

/**
 * getAttribute() names UiAutomator2 accepts, mapped to the page-source attribute.
 * @type {Readonly<Record<string, string>>}
 */
const ATTRIBUTE_ALIASES = {
  contentDescription: 'content-desc', 'content-desc': 'content-desc', name: 'content-desc',
  resourceId: 'resource-id', 'resource-id': 'resource-id',
  className: 'class', class: 'class',
  longClickable: 'long-clickable', 'long-clickable': 'long-clickable',
  text: 'text', checkable: 'checkable', checked: 'checked', clickable: 'clickable', enabled: 'enabled',
  focusable: 'focusable', focused: 'focused', password: 'password', scrollable: 'scrollable',
  selected: 'selected', bounds: 'bounds', displayed: 'displayed', package: 'package', index: 'index', hint: 'hint',
};

const BOOLEAN_ATTRIBUTES = new Set(['checkable', 'checked', 'clickable', 'enabled', 'focusable', 'focused',
  'long-clickable', 'password', 'scrollable', 'selected']);

const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * Parses "[x1,y1][x2,y2]" into a W3C rect.
 * @param {string | null | undefined} bounds
 * @returns {Rect | null}
 */
export function parseBounds(bounds) {
  const m = /^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$/.exec(bounds ?? '');
  if (!m) return null;
  const [x1, y1, x2, y2] = /** @type {[number, number, number, number]} */ (m.slice(1).map(Number));
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

export class UiHierarchy {
  /** @param {string} dumpXml raw `uiautomator dump` output */
  constructor(dumpXml) {
    const raw = new DOMParser({ onError: () => {} }).parseFromString(dumpXml, 'text/xml');
    const rawRoot = raw.getElementsByTagName('hierarchy')[0];
    if (!rawRoot) throw new Error('the dump has no <hierarchy> root');
    this.doc = new DOMParser().parseFromString('<?xml version="1.0" encoding="UTF-8"?><hierarchy/>', 'text/xml');
    /** @type {Element} */
    this.root = /** @type {Element} */ (this.doc.documentElement);
    this.root.setAttribute('index', '0');
    this.root.setAttribute('class', 'hierarchy');
    this.root.setAttribute('rotation', rawRoot.getAttribute('rotation') || '0');
    const nodes = childNodesNamed(rawRoot, 'node');
    nodes.forEach((n, i) => this.root.appendChild(this.convert(n, i)));
    const first = parseBounds(nodes[0]?.getAttribute('bounds'));
    this.screen = first ?? { x: 0, y: 0, width: 0, height: 0 };
    this.root.setAttribute('width', String(this.screen.width));
    this.root.setAttribute('height', String(this.screen.height));
  }

  /**
   * Copies a dump `<node>` into an element named after its class, with UiAutomator2's attributes.
   * @param {Element} node
   * @param {number} index
   * @returns {Element}
   */
  convert(node, index) {
    const cls = node.getAttribute('class') || 'android.view.View';
    const el = this.doc.createElement(XML_NAME.test(cls) ? cls : 'android.view.View');
    for (const name of UIA2_ATTRIBUTES) {
      let value = node.getAttribute(name);
      if (name === 'index') value = node.hasAttribute('index') ? value : String(index);
      if (name === 'displayed' && !node.hasAttribute('displayed')) value = displayedOf(node);
      if (name === 'hint' && !node.hasAttribute('hint')) continue;
      if (BOOLEAN_ATTRIBUTES.has(name) && !node.hasAttribute(name)) value = name === 'enabled' ? 'true' : 'false';
      el.setAttribute(name, value ?? '');
    }
    childNodesNamed(node, 'node').forEach((c, i) => el.appendChild(this.convert(c, i)));
    return el;
  }

  /** The page source as UiAutomator2 returns it. */
  toXml() {
    return new XMLSerializer().serializeToString(this.doc);
  }

  /**
   * Finds elements by a W3C/Appium locator, below `context` (an element) or the whole screen.
   * `id` accepts a full resource id or the short form, completed with the app package like UiAutomator2.
   * @param {string} strategy
   * @param {string} selector
   * @param {Element | undefined} context
   * @param {string | undefined} appPackage
   * @returns {Element[]}
   */
  find(strategy, selector, context, appPackage) {
    const scope = context ?? this.root;
    switch (strategy) {
      case 'xpath': {
        // xpath's types name the browser DOM; xmldom's nodes are what it walks at run time
        const found = /** @type {unknown} */ (xpath.select(selector, /** @type {any} */ (scope)));
        if (!Array.isArray(found)) throw new Error(`the XPath ${selector} selects a value, not elements`);
        return /** @type {Element[]} */ (found).filter((n) => n.nodeType === 1 && n !== this.root);
      }
      case 'accessibility id':
        return this.descendants(scope).filter((e) => e.getAttribute('content-desc') === selector);
      case 'id': {
        const wanted = selector.includes(':id/') ? [selector] : [selector, `${appPackage}:id/${selector}`, `android:id/${selector}`];
        return this.descendants(scope).filter((e) => wanted.includes(e.getAttribute('resource-id') ?? ''));
      }
      case 'class name':
        return this.descendants(scope).filter((e) => e.getAttribute('class') === selector);
      default:
        throw new Error(`unsupported locator strategy ${strategy}`);
    }
  }

  /**
   * Every element below `scope` in document order.
   * @param {Element} scope
   * @returns {Element[]}
   */
  descendants(scope) {
    /** @type {Element[]} */
    const out = [];
    const walk = (/** @type {Element} */ el) => {
      for (const c of childElements(el)) { out.push(c); walk(c); }
    };
    walk(scope);
    return out;
  }

  /**
   * The child-index path from the root: how an element is found again in a later dump.
   * @param {Element} el
   * @returns {number[]}
   */
  pathOf(el) {
    /** @type {number[]} */
    const path = [];
    for (let e = el; e && e !== this.root; e = /** @type {Element} */ (e.parentNode)) path.unshift(childElements(/** @type {Element} */ (e.parentNode)).indexOf(e));
    return path;
  }

  /**
   * The element at a path, or null when the screen no longer has one there.
   * @param {number[]} path
   * @returns {Element | null}
   */
  atPath(path) {
    /** @type {Element | undefined} */
    let e = this.root;
    for (const i of path) {
      e = childElements(e)[i];
      if (!e) return null;
    }
    return e;
  }

  /**
   * UiAutomator2 attribute value (string) or null for an unknown name.
   * @param {Element} el
   * @param {string} name
   * @returns {string | null}
   */
  static attribute(el, name) {
    const real = ATTRIBUTE_ALIASES[name];
    return real ? el.getAttribute(real) : null;
  }
}

/**
 * @param {Element} el
 * @param {string} tag
 */
function childNodesNamed(el, tag) {
  return childElements(el).filter((c) => c.tagName === tag);
}

/**
 * @param {Element} el
 * @returns {Element[]}
 */
function childElements(el) {
  /** @type {Element[]} */
  const out = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(/** @type {Element} */ (c));
  return out;
}

/**
 * A plain dump has no `displayed`; newer ones say `visible-to-user`; else: a non-empty box.
 * @param {Element} node
 */
function displayedOf(node) {
  if (node.hasAttribute('visible-to-user')) return node.getAttribute('visible-to-user');
  const r = parseBounds(node.getAttribute('bounds'));
  return String(!!r && r.width > 0 && r.height > 0);
}
