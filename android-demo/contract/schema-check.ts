/**
 * Checks a parsed JSON document against one of the contract's schemas and names the first bad
 * field the way every contract error does (`frames.3.t_total`).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { RioError, type ErrorCode } from '../../harness/src/errors.ts';

/** Schemas compiled once: results.json of a 20,000-frame run is checked field by field. */
const compiled = new Map<TSchema, TypeCheck<TSchema>>();
/** `json` as `schema`'s type, or a RioError(code) naming `what`, `where` and the first bad field. */
export function checkSchema<T extends TSchema>(schema: T, json: unknown, what: string, where: string, code: ErrorCode): Static<T> {
  let c = compiled.get(schema);
  if (!c) compiled.set(schema, (c = TypeCompiler.Compile(schema)));
  if (c.Check(json)) return json as Static<T>;
  const first = c.Errors(json).First();
  const field = first?.path ? first.path.slice(1).replaceAll('/', '.') || '(root)' : '(root)';
  throw new RioError(code, `${what} ${where}: ${field}: ${first?.message ?? 'invalid'}`, { file: where, field });
}
