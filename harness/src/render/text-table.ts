/**
 * The one layout of rio-farm's terminal tables (`run`'s final table, `devices`, `compare`, `model
 * table|eval`): columns two spaces apart, each as wide as its widest cell, no trailing blanks.
 * Cells may hold device strings, so each is made safe for a terminal first.
 */
import { terminalText } from '../devices/terminal-text.ts';

export interface TextTableOptions {
  /** columns aligned right (numbers in a model table); the rest are left-aligned */
  right?: (column: number) => boolean;
}

export function textTable(head: readonly string[], rows: readonly (readonly unknown[])[], opts: TextTableOptions = {}): string {
  const cells = [head, ...rows].map((r) => r.map((c) => terminalText(c)));
  const widths = head.map((_h, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => (opts.right?.(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return cells.map(line).join('\n');
}
