/**
 * POST /api/runs: another harness host uploads a run export. Bearer token first (before the body is
 * read), then the size limit, then strict JSON (no duplicate keys, bounded depth), the schema (no
 * unknown property, every number bounded) and how the rows fit together; then the write
 * (writeRunFrames: 409 for a run this host does not own, idempotent by run id otherwise) and the
 * run's aggregates, the answer, then its summaries (writeThenFinish).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import { RunExportSchema, type RunExport } from '../../../harness/src/store/run-export.ts';
import { finishImport, writeRunFrames } from '../../../harness/src/store/run-import.ts';
import { checkSchema } from '../../../harness/src/schema-check.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { DEFAULT_INGEST_LIMIT_BYTES, type App, type ServerContext } from '../app.ts';
import { parseStrictJson } from '../strict-json.ts';
import { RequestGate } from '../request-gate.ts';


/**
 * Imports at once: each holds ~64 MB of parsed JSON and takes the store's write lock in turns, so
 * more would only queue behind each other; a few more may wait, the rest are told to come back.
 */
const INGEST_CONCURRENCY = 2;
const INGEST_QUEUE = 4;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares digests so neither the token's length nor its prefix leaks through timing. */
export function tokenMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), digest(token));
}

export function registerIngestRoute(app: App, ctx: ServerContext): void {
  const gate = ctx.gates?.ingest ?? new RequestGate('ingest', INGEST_CONCURRENCY, INGEST_QUEUE);
  // Its own scope, so the strict JSON parser applies to uploads only.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try { done(null, parseStrictJson(body as string)); } catch (err) { done(err as Error, undefined); }
    });
    scope.withTypeProvider().post('/api/runs', {
      bodyLimit: ctx.ingestLimitBytes ?? DEFAULT_INGEST_LIMIT_BYTES,
      schema: {
        body: RunExportSchema,
        response: { '2xx': Type.Object({ run_id: Type.String(), created: Type.Boolean(), measurements: Type.Integer() }) },
      },
      // The run export's own check (harness/src/schema-check.ts), not fastify's Ajv: uploaded rows are
      // stored as sent (no coercion, no defaults), and run.json read by `compare` is checked the same way.
      validatorCompiler: () => (body) => {
        try { return { value: checkSchema(RunExportSchema, body, { root: 'body', what: 'invalid' }) }; } catch (error) { return { error: error as Error }; }
      },
      onRequest: async (req) => {
        if (!ctx.ingestToken) throw new RioError('UNAUTHORIZED', 'ingest is disabled on this server: start it with RIO_FARM_TOKEN set');
        if (!tokenMatches(req.headers.authorization, ctx.ingestToken)) throw new RioError('UNAUTHORIZED', 'missing or wrong bearer token');
      },
    }, async (req, reply) => {
      const exp = req.body as unknown as RunExport;
      const { created, measurements } = await writeThenFinish(gate, ctx, exp);
      req.log.info({ run: exp.run.id, measurements, created }, 'run ingested');
      return reply.status(created ? 201 : 200).send({ run_id: exp.run.id, created, measurements });
    });
  });
}

/**
 * Stores everything the upload sent (frames, samples, events, and what its finish needs) before the
 * answer: what the answer says is stored is stored, and a server that stops right after finishes the
 * run when it starts again (run-import.ts, `import_pending`). The run's aggregates and final status,
 * then its dashboard rows and compare summary follow the answer (~3.7 s of CPU for a 20,000-frame run,
 * the bootstraps); until the first two are written the run reads as running. The gate's slot is held
 * until they are written, so the imports the server works on at once stay bounded.
 */
function writeThenFinish(gate: RequestGate, ctx: ServerContext, exp: RunExport): Promise<{ created: boolean; measurements: number }> {
  return new Promise((resolve, reject) => {
    gate.run(async () => {
      let written;
      try {
        written = await writeRunFrames(ctx.store, exp, { root: 'body' });
      } catch (err) { reject(err); return; }
      resolve(written);
      await ctx.summaries.finishIngested(exp.run.id, () => finishImport(ctx.store, exp.run.id));
    }).catch(reject); // refused by the gate (BUSY)
  });
}
