/**
 * The one way rio-farm checks a document against a TypeBox schema and names what is wrong: the run
 * export (run.json, POST /api/runs), the app's results.json and manifest all go through here, and
 * the server's query-string errors name their field the same way (server/src/error-handler.ts).
 * A field is a JSON path under a root: `body/run/suite`, `/frames/0/t_infer`.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { RioError, type ErrorCode } from './errors.ts';

/** A schema error as both TypeBox and Ajv (fastify's query strings) report it. */
export interface SchemaError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * The JSON path of the value an error is about, under `root`. A missing or unknown property is
 * named itself, not its parent object (Ajv says `missingProperty`, TypeBox `requiredProperties`).
 */
export function schemaErrorField(root: string, e: SchemaError): string {
  const p = e.params ?? {};
  const named = [p.missingProperty, p.additionalProperty, (p.requiredProperties as unknown[] | undefined)?.[0],
    (p.additionalProperties as unknown[] | undefined)?.[0]].find((v) => typeof v === 'string');
  return `${root}${e.instancePath}${named !== undefined ? `/${named}` : ''}` || '/';
}

const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();
function validator(schema: TSchema) {
  let c = compiled.get(schema);
  if (!c) compiled.set(schema, (c = Compile(schema)));
  return c;
}

/** The first error worth naming: TypeBox reports an unknown property twice, first as "schema is false". */
function firstError(errors: readonly SchemaError[]): SchemaError | undefined {
  return errors.find((e) => (e as { keyword?: string }).keyword !== 'boolean') ?? errors[0];
}

export interface CheckOptions {
  /** Prefix of every field path ('body' for an upload). */
  root?: string;
  /** What the document is, for the message ('invalid run export', 'results runs/r1/results.json'). */
  what: string;
  code?: ErrorCode;
  /** Extra `where` entries (the file it came from). */
  where?: Record<string, string | number>;
}

/** Returns `value` typed by `schema`, or throws RioError naming the first bad field as a JSON path. */
export function checkSchema<T extends TSchema>(schema: T, value: unknown, opts: CheckOptions): Static<T> {
  const v = validator(schema);
  if (v.Check(value)) return value as Static<T>;
  const first = firstError(v.Errors(value));
  const field = first ? schemaErrorField(opts.root ?? '', first) : `${opts.root ?? ''}` || '/';
  throw new RioError(opts.code ?? 'BAD_ARGUMENT', `${opts.what} ${field}: ${first?.message ?? 'does not match the schema'}`,
    { ...opts.where, field });
}
