/**
 * HTML built by tagged templates that escape every interpolated value. Device strings (model names,
 * getprop values) come from untrusted devices and other hosts, so nothing reaches a page unescaped
 * unless it was built by this module.
 */
import { escapeMarkup } from '../../harness/src/render/markup.ts';

const SAFE = Symbol('safe-html');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly text: string;
}

/** Marks markup this module (or a template) built; never call it on outside text. */
function trusted(text: string): SafeHtml {
  return { [SAFE]: true, text };
}

function isSafe(v: unknown): v is SafeHtml {
  return typeof v === 'object' && v !== null && (v as SafeHtml)[SAFE] === true;
}

/** Escapes text for element content and quoted attribute values (the one escaper, harness/src/render/markup.ts). */
export const escapeHtml = escapeMarkup;

function render(v: unknown): string {
  if (isSafe(v)) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(v);
}

/** `html\`<td>${device.model}</td>\`` — interpolations are escaped; arrays and nested html pass through. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => { out += render(v) + strings[i + 1]!; });
  return trusted(out);
}

/**
 * Data for the page's scripts in a `<script type="application/json">` block. JSON.stringify leaves
 * `</script>` and `<!--` intact, which would end the block early: escape `<`, `>`, `&` and the two
 * line separators JavaScript treats as newlines.
 */
export function jsonBlock(id: string, data: unknown): SafeHtml {
  const json = JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return trusted(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}
