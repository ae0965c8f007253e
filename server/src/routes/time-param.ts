import { RioError } from '../../../harness/src/errors.ts';

/** `from`/`to` query values: ms since epoch or an ISO date (`2026-11-28`, `2026-11-28T03:00Z`). */
export function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  // A safe integer, or PostgreSQL could not compare it with a BIGINT column (a 500 instead of a 400).
  if (!Number.isSafeInteger(ms)) throw new RioError('BAD_ARGUMENT', `${field} is neither ms since epoch nor an ISO date`, { field: `querystring/${field}` });
  return ms;
}
