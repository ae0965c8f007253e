/**
 * The rio-farm server: Fastify with typebox schemas on every route, pino logs, the one error
 * catalogue, strict security headers, the JSON API and the server-rendered dashboards.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Store } from '../../harness/src/store/index.ts';
import { installErrorHandler } from './error-handler.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { registerStaticAssets } from './static-assets.ts';
import { SummaryRefresher } from './queries/run-summary.ts';
import { HomeCache } from './queries/home-cache.ts';
import { CompareCache } from './queries/run-compare.ts';
import { FrameImageCache } from './frame-image-cache.ts';
import type { RequestGate } from './request-gate.ts';
import { registerApiRoutes } from './routes/api.ts';
import { registerIngestRoute } from './routes/ingest.ts';
import { registerEvidenceRoutes } from './routes/evidence.ts';
import { registerPageRoutes } from './routes/pages.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerSignoffRoutes } from './routes/signoffs.ts';
import { registerFarmAgentRoutes } from './routes/farm-agent.ts';
import { registerFarmJobRoutes } from './routes/farm-jobs.ts';
import { HostAuth } from './host-auth.ts';
import { DEFAULT_FARM_SETTINGS, type FarmSettings } from './farm-settings.ts';

/** Runs with 10 devices × 2,000 frames export to ~10 MB of JSON; anything far above is refused. */
export const DEFAULT_INGEST_LIMIT_BYTES = 64 * 1024 * 1024;
/** Every other route takes small bodies or none. */
const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export interface ServerOptions {
  store: Store;
  /** Bearer token for POST /api/runs; without one, ingest is refused (401) for everyone. */
  ingestToken?: string;
  ingestLimitBytes?: number;
  /** Where scenario frames live (`<cacheDir>/frames/<sha256>.jpg`), for the worst-frame images. */
  scenarioCacheDir: string;
  /** The reports folder (absolute): a run's evidence is served only when its out_dir lies inside. */
  reportsDir: string;
  logger?: boolean | { level: string };
  /** Concurrency limits of the expensive requests (defaults in run-compare.ts, frame-image-cache.ts, routes/ingest.ts). */
  gates?: { compare?: RequestGate; frameImages?: RequestGate; ingest?: RequestGate };
  /** Farm timing and failure bounds (default DEFAULT_FARM_SETTINGS). */
  farm?: FarmSettings;
  /** TLS: PEM certificate and key; the server then speaks only HTTPS (tokens never cross hosts in clear). */
  tls?: { cert: Buffer; key: Buffer };
}

/** What route modules share. */
export interface ServerContext extends ServerOptions {
  summaries: SummaryRefresher;
  home: HomeCache;
  compare: CompareCache;
  frameImages: FrameImageCache;
}

/** The Fastify instance with typebox inference of params, query strings and bodies. */
declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves when what the server writes after answering (an upload's compare summary) is written. */
    backgroundWork(): Promise<void>;
  }
}

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export async function buildServer(opts: ServerOptions): Promise<App> {
  const app = Fastify({
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    logger: opts.logger ?? { level: 'info' },
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    // Several farm hosts post runs; a slow one must not hold a socket for ever.
    requestTimeout: 120_000,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const summaries = new SummaryRefresher(opts.store, (err, run) => app.log.error({ err, run }, 'summarising runs for the dashboards failed'), undefined,
    (run) => app.log.info({ run }, 'finished an upload a stopped server had stored but not finished'));
  const ctx: ServerContext = { ...opts, summaries, home: new HomeCache(opts.store.db, summaries),
    compare: new CompareCache(opts.store, opts.gates?.compare), frameImages: new FrameImageCache(opts.scenarioCacheDir, opts.gates?.frameImages) };
  installErrorHandler(app);
  addSecurityHeaders(app);
  // Dashboards read the pre-aggregates: bring them up to date with runs a local `rio-farm run`
  // wrote straight into the store since (throttled; static files never wait for it).
  app.addHook('onRequest', async (req) => {
    if (req.method !== 'GET' || req.url.startsWith('/static/') || req.url.startsWith('/vendor/')) return;
    await summaries.refresh();
    summaries.inFlight.add(req.id);
  });
  app.addHook('onResponse', async (req) => { summaries.inFlight.delete(req.id); });
  app.addHook('onRequestAbort', async (req) => { summaries.inFlight.delete(req.id); });
  app.addHook('onReady', async () => { void summaries.refresh(0); });
  // A compare summary queued by an upload is finished before the store closes under it.
  app.addHook('onClose', async () => { await summaries.idle(); });
  app.decorate('backgroundWork', () => summaries.idle());
  await registerStaticAssets(app);
  registerApiRoutes(app, ctx);
  registerIngestRoute(app, ctx);
  registerEvidenceRoutes(app, ctx);
  registerPageRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerSignoffRoutes(app, ctx);
  const farm = opts.farm ?? DEFAULT_FARM_SETTINGS;
  const auth = new HostAuth(opts.store, opts.ingestToken);
  registerFarmAgentRoutes(app, ctx, auth, farm);
  registerFarmJobRoutes(app, ctx, auth, farm);
  startLeaseReaper(app, ctx, farm);
  return app;
}

/** Expired leases are looked for on a timer (not only when an agent calls): a farm whose every agent died still moves on. */
function startLeaseReaper(app: App, ctx: ServerContext, farm: FarmSettings): void {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      ctx.store.reapExpiredLeases(farm)
        .then((ids) => { for (const id of ids) app.log.warn({ job: id }, 'lease expired: job queued again (or dead-lettered)'); })
        .catch((err) => app.log.error({ err }, 'reaping expired leases failed'))
        .finally(() => { busy = false; });
    }, farm.reapEveryMs);
  });
  app.addHook('onClose', async () => { clearInterval(timer); });
}
