import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RioError, type ErrorCode } from '../../harness/src/errors.ts';
import { RETRY_AFTER_S } from './request-gate.ts';
import { schemaErrorField, type SchemaError } from '../../harness/src/schema-check.ts';

/** The JSON body of every error answer: a catalogue code, a message, and where (field, file…). */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  where?: Record<string, string | number>;
}

/** Maps Fastify's own errors (validation, size limit, bad JSON) onto the one rio-farm catalogue. */
export function toRioError(err: FastifyError | RioError | Error): RioError {
  if (err instanceof RioError) return err;
  const fe = err as FastifyError;
  if (fe.validation && fe.validation.length > 0) {
    const first = fe.validation[0]!;
    const field = schemaErrorField(fe.validationContext ?? 'request', first as SchemaError);
    return new RioError('BAD_ARGUMENT', `invalid ${field}: ${first.message ?? 'does not match the schema'}`, { field });
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new RioError('TOO_LARGE', 'request body is larger than this route accepts');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 404) return new RioError('NOT_FOUND', fe.message);
    return new RioError('BAD_ARGUMENT', fe.message, fe.code ? { fastify: fe.code } : undefined);
  }
  return new RioError('INTERNAL_ERROR', 'internal server error', undefined, { cause: err });
}

function sendError(req: FastifyRequest, reply: FastifyReply, rio: RioError): FastifyReply {
  const status = rio.httpStatus >= 400 ? rio.httpStatus : 500;
  if (status >= 500) req.log.error({ err: rio.cause ?? rio }, rio.message);
  else req.log.info({ code: rio.code, where: rio.where }, rio.message);
  // A busy server says when to come back rather than holding the request in a queue.
  if (rio.code === 'BUSY' || rio.code === 'RATE_LIMITED') reply.header('retry-after', String(rio.where?.retry_after_s ?? RETRY_AFTER_S));
  const body: ErrorBody = { error: rio.code, message: rio.message };
  if (rio.where) body.where = rio.where;
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Installs the error and not-found handlers: every 4xx/5xx answer names a catalogue code. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => sendError(req, reply, toRioError(err as FastifyError)));
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, new RioError('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
