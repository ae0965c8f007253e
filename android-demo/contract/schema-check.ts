/**
 * The contract's documents (results.json, manifest.json) checked the one way rio-farm checks a
 * document (harness/src/schema-check.ts): errors name the document, its file and the first bad
 * field as a JSON path (`/frames/3/t_total`).
 */
import type { Static, TSchema } from 'typebox';
import type { ErrorCode } from '../../harness/src/errors.ts';
import { checkSchema } from '../../harness/src/schema-check.ts';

/** `json` as `schema`'s type, or a RioError(code) naming `what`, `where` and the first bad field. */
export function checkContract<T extends TSchema>(schema: T, json: unknown, what: string, where: string, code: ErrorCode): Static<T> {
  return checkSchema(schema, json, { what: `${what} ${where}:`, code, where: { file: where } });
}
