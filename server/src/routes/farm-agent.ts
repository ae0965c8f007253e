/**
 * What `rio-farm agent` calls, each with its host's own token: heartbeat (register the host and the
 * devices it sees, renew the leases it holds, learn which it lost), claim (jobs for its free
 * devices), results (a run export after each scenario, accepted only with the job's current fencing
 * token — 409 otherwise) and finish (the claim's outcome).
 */
import { Type } from '@fastify/type-provider-typebox';
import { RunExportSchema, importRun, type RunExport } from '../../../harness/src/store/run-export.ts';
import { checkSchema } from '../../../harness/src/schema-check.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { DEFAULT_INGEST_LIMIT_BYTES, type App, type ServerContext } from '../app.ts';
import { parseStrictJson } from '../strict-json.ts';
import { RequestGate } from '../request-gate.ts';
import type { HostAuth } from '../host-auth.ts';
import type { FarmSettings } from '../farm-settings.ts';

const Serial = Type.String({ minLength: 1, maxLength: 200 });
const Model = Type.String({ maxLength: 200 });
const Held = Type.Array(Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), fence: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), { maxItems: 200 });
const Heartbeat = Type.Object({
  devices: Type.Array(Type.Object({ serial: Serial, model: Model, virtual: Type.Boolean() }, { additionalProperties: false }), { maxItems: 500 }),
  held: Held,
}, { additionalProperties: false });
const Claim = Type.Object({ offers: Type.Array(Type.Object({ serial: Serial, model: Model }, { additionalProperties: false }), { maxItems: 500 }) }, { additionalProperties: false });
const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const FenceQuery = Type.Object({ fence: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const Finish = Type.Object({
  fence: Type.Integer({ minimum: 1 }),
  outcome: Type.Union([Type.Literal('passed'), Type.Literal('product_failure'), Type.Literal('infra_failure'), Type.Literal('bad_input')]),
  error: Type.Optional(Type.String({ maxLength: 4000 })),
  run_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: false });

/** Run exports imported at once (each a run of one device; the ingest route has its own gate). */
const RESULT_CONCURRENCY = 2;
const RESULT_QUEUE = 16;

export function registerFarmAgentRoutes(app: App, ctx: ServerContext, auth: HostAuth, farm: FarmSettings): void {
  const store = ctx.store;
  const gate = new RequestGate('farm results', RESULT_CONCURRENCY, RESULT_QUEUE);
  const asHost = { onRequest: async (req: Parameters<HostAuth['host']>[0]) => { (req as { farmHost?: string }).farmHost = await auth.host(req); } };
  const hostOf = (req: object) => (req as { farmHost: string }).farmHost;

  app.post('/api/agent/heartbeat', { ...asHost, schema: { body: Heartbeat } }, async (req) => {
    const host = hostOf(req);
    await store.recordHeartbeat(host, req.ip, req.body.devices.map((d) => ({ serial: d.serial, model: d.model, virtual: d.virtual ? 1 : 0 })));
    const lost = await store.renewLeases(host, req.body.held, farm.leaseMs);
    return { host, lost, heartbeat_ms: farm.heartbeatMs, lease_ms: farm.leaseMs };
  });

  app.post('/api/agent/claim', { ...asHost, schema: { body: Claim } }, async (req) => {
    const claimed = await store.claimJobs(hostOf(req), req.body.offers, farm.leaseMs);
    for (const c of claimed) req.log.info({ job: c.job.id, fence: c.fence, serial: c.serial, host: hostOf(req) }, 'job claimed');
    return {
      jobs: claimed.map((c) => ({ id: c.job.id, suite: c.job.suite, repeat: Number(c.job.repeat_count), labels: JSON.parse(c.job.labels_json) as Record<string, string>,
        scenarios: c.job.scenarios_json ? JSON.parse(c.job.scenarios_json) as string[] : null,
        fence: c.fence, serial: c.serial, done_scenarios: c.doneScenarios })),
    };
  });

  app.post('/api/agent/jobs/:id/finish', { ...asHost, schema: { params: JobParams, body: Finish } }, async (req) => {
    const b = req.body;
    const job = await store.finishJob(req.params.id, b.fence, hostOf(req), b.outcome, b.error ?? null, b.run_id ?? null, farm);
    req.log.info({ job: job.id, fence: b.fence, outcome: b.outcome, state: job.state }, 'job attempt finished');
    return { id: job.id, state: job.state, outcome: job.outcome };
  });

  // Its own scope: strict JSON and the large body limit apply to run exports only.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try { done(null, parseStrictJson(body as string)); } catch (err) { done(err as Error, undefined); }
    });
    scope.withTypeProvider().post('/api/agent/jobs/:id/results', {
      ...asHost,
      bodyLimit: ctx.ingestLimitBytes ?? DEFAULT_INGEST_LIMIT_BYTES,
      schema: { params: JobParams, querystring: FenceQuery, body: RunExportSchema },
      validatorCompiler: ({ httpPart }) => (value) => {
        if (httpPart !== 'body') return { value };
        try { return { value: checkSchema(RunExportSchema, value, { root: 'body', what: 'invalid' }) }; } catch (error) { return { error: error as Error }; }
      },
      // The fence is checked before the body is even parsed: a host presumed dead learns at once.
      preValidation: async (req) => {
        const q = req.query as { fence?: unknown };
        const fence = Number(q.fence);
        if (!Number.isInteger(fence) || fence < 1) throw new RioError('BAD_ARGUMENT', 'fence must be a positive integer', { field: 'querystring/fence' });
        await store.checkFence((req.params as { id: string }).id, fence, hostOf(req));
      },
    }, async (req) => {
      const jobId = (req.params as { id: string }).id;
      const fence = Number((req.query as { fence: string }).fence);
      const exp = req.body as unknown as RunExport;
      if (exp.labels.farm_job !== jobId) throw new RioError('BAD_ARGUMENT', `run ${exp.run.id} is not labelled farm_job=${jobId}`, { field: 'body/labels/farm_job' });
      const { measurements } = await gate.run(() => importRun(store, exp, { root: 'body', progress: true }));
      const done = doneScenarios(exp);
      // Checked again with the marks: a lease lost during the import means these scenarios do not count here.
      const added = await store.markScenariosDone(jobId, fence, hostOf(req), exp.run.id, done);
      if (exp.run.status !== 'running') {
        try { await ctx.summaries.summarize(exp.run.id); } catch (err) { req.log.error({ err, run: exp.run.id }, 'summarising a farm run failed; the refresher will retry'); }
      }
      return { run_id: exp.run.id, measurements, scenarios_done: done.length, scenarios_added: added };
    });
  });
}

/** Scenarios whose every work item (all repeats) the export has done. */
function doneScenarios(exp: RunExport): string[] {
  const open = new Set<string>();
  const seen = new Set<string>();
  for (const w of exp.work_items) { seen.add(w.scenario_id); if (w.status !== 'done') open.add(w.scenario_id); }
  return [...seen].filter((s) => !open.has(s)).sort();
}
