/**
 * The one escaper for everything rio-farm writes as markup: the dashboard pages (server/src/html.ts),
 * report.html, junit.xml, SVG overlays and UI dumps. Device strings (model names, getprop values,
 * app errors) are untrusted, so every one of those outputs escapes them the same way.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Escapes text for element content and quoted attribute values, in HTML and XML alike. Control
 * characters XML 1.0 forbids even as references are dropped, so a hostile device string cannot make
 * junit.xml or a UI dump unparseable (tab, newline and carriage return stay).
 */
export function escapeMarkup(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}
