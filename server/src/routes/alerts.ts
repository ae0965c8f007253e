/**
 * Nightly alerts: GET /api/alerts (read, like the other API routes), PATCH /api/alerts/:id (triage:
 * the same bearer token as ingest, checked before the body is read; unknown keys are a 400), and
 * the /alerts page.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { App, ServerContext } from '../app.ts';
import { RioError } from '../../../harness/src/errors.ts';
import { ALERT_STATUSES, listAlerts, triageAlert, type AlertStatus } from '../../../harness/src/store/nightly-alerts.ts';
import { tokenMatches } from './ingest.ts';
import { alertTrend, groupAlerts } from '../queries/alerts.ts';
import { alertsPage } from '../views/alerts-page.ts';

const Status = Type.Union(ALERT_STATUSES.map((s) => Type.Literal(s)));
const AlertsQuery = Type.Object({
  status: Type.Optional(Status), device: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
}, { additionalProperties: false });
const Triage = Type.Object({
  status: Status,
  by: Type.String({ minLength: 1, maxLength: 100 }),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });
/** Alerts drawn with their trend on the page (each chart is one small query). */
const CHARTED_ALERTS = 12;

export function registerAlertRoutes(app: App, ctx: ServerContext): void {
  app.get('/api/alerts', { schema: { querystring: AlertsQuery } }, async (req) => {
    const alerts = await listAlerts(ctx.store, { status: req.query.status, serial: req.query.device, limit: req.query.limit, offset: req.query.offset });
    return { groups: groupAlerts(alerts) };
  });

  app.patch('/api/alerts/:id', {
    schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1000 }) }), body: Triage },
    onRequest: async (req) => {
      if (!ctx.ingestToken) throw new RioError('UNAUTHORIZED', 'triage is disabled on this server: start it with RIO_FARM_TOKEN set');
      if (!tokenMatches(req.headers.authorization, ctx.ingestToken)) throw new RioError('UNAUTHORIZED', 'missing or wrong bearer token');
    },
  }, async (req) => triageAlert(ctx.store, req.params.id, { status: req.body.status as AlertStatus, by: req.body.by, note: req.body.note ?? null }));

  app.get('/alerts', { schema: { querystring: AlertsQuery } }, async (req, reply) => {
    const alerts = await listAlerts(ctx.store, { status: req.query.status, serial: req.query.device, limit: req.query.limit, offset: req.query.offset });
    const trends = await Promise.all(alerts.slice(0, CHARTED_ALERTS).map(async (a) => ({ id: a.id, change_run_id: a.change_run_id, metric: a.metric,
      title: `${a.serial} · ${a.scope} · ${a.metric}`, points: await alertTrend(ctx.store.db, a) })));
    return reply.type('text/html; charset=utf-8').send(alertsPage(groupAlerts(alerts), trends, req.query.status));
  });
}
