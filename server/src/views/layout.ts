/** The page frame every dashboard shares: navigation, stylesheet, chart.js and the page's module. */
import { html, jsonBlock, type SafeHtml } from '../html.ts';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** server/public module that draws the page's charts, e.g. 'run.js'. */
  script?: string;
  /** Read by the script from `<script type="application/json" id="page-data">`. */
  data?: unknown;
}

export function layout(p: PageOptions): string {
  return '<!doctype html>\n' + html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · rio-farm</title>
<link rel="stylesheet" href="/static/app.css">
<link rel="icon" href="data:,">
</head>
<body>
<header class="top">
  <a class="brand" href="/">rio-farm</a>
  <nav><a href="/">Latest nightly</a><a href="/runs">Runs</a><a href="/devices">Devices</a><a href="/compare">Compare</a><a href="/alerts">Alerts</a><a href="/signoffs">Sign-offs</a><a href="/hosts">Hosts</a></nav>
</header>
<main>
<h1>${p.title}</h1>
${p.body}
</main>
${p.data === undefined ? '' : jsonBlock('page-data', p.data)}
${p.script ? html`<script src="/vendor/chart.umd.js"></script><script type="module" src="/static/${p.script}"></script>` : ''}
</body>
</html>
`.text;
}

/**
 * ms since epoch → `2026-11-28 03:00` (UTC, as farms span time zones). A stored value no date can
 * hold (a row older than ingest's bounds, or written by a buggy host) is shown as such, never thrown.
 */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? 'invalid date' : d.toISOString().slice(0, 16).replace('T', ' ');
}

export function num(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** `+12.3%` against a previous value; positive means larger. */
export function deltaPct(now: number | null | undefined, before: number | null | undefined): string {
  if (now == null || before == null || before === 0) return '';
  const d = (now - before) / before * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

export function kindBadge(virtual: boolean): SafeHtml {
  return virtual ? html`<span class="badge virtual">virtual</span>` : html`<span class="badge real">real</span>`;
}

export function statusBadge(status: string | null | undefined): SafeHtml {
  const s = status ?? 'unknown';
  const cls = /pass|done|ok/.test(s) ? 'ok' : /product|fail|error|quarantine/.test(s) ? 'bad' : 'neutral';
  return html`<span class="status ${cls}">${s}</span>`;
}

/** Query string from defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}
