import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import cookie from '@fastify/cookie';
import type { ApiConfig } from '../config/types.js';
import { installAuth } from './auth/install-auth.js';
import { Sessions } from './auth/sessions.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { systemClock } from '../adapters/system-clock.js';
import type { Clock } from '../ports/clock.js';
import { installAudit } from './hardening/audit.js';
import { installIdempotency } from './hardening/idempotency.js';
import { installJsonBodyParser } from './hardening/json-body.js';
import { registerRateLimit } from './hardening/rate-limit.js';
import { installBeforeChange, installRouteRules } from './hardening/route-rules.js';
import { registerSecurityHeaders } from './hardening/security-headers.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerTrafficRoutes } from './routes/traffic-routes.js';
import { registerFenceRoutes } from './routes/fence-routes.js';
import { DOCS_PREFIX, type DocsUi, registerOpenApi } from './openapi/openapi.js';
import type { Controller } from '../controller/controller.js';
import type { StateStore } from '../ports/state-store.js';
import type { SimWorld } from '../sim/sim-world.js';
import { installErrorHandler } from './error-handler.js';
import { registerDrillRoutes } from './routes/drill-routes.js';
import { registerOperatorRoutes } from './routes/operator-routes.js';
import { registerRunbookRoutes } from './routes/runbook-routes.js';
import { registerPageRoutes } from './routes/page-routes.js';
import { registerRunRoutes } from './routes/run-routes.js';
import { registerSimRoutes } from './routes/sim-routes.js';
import { registerStatusRoutes } from './routes/status-routes.js';
import { type MetricsScrape, registerMetricsRoutes } from './routes/metrics-routes.js';
import { validatorCompiler } from './validator-compiler.js';

/** What the API needs. `world` is present only in simulation mode, and with it the /sim routes. */
export interface ApiDeps {
  controller: Controller;
  store: StateStore;
  log: Logger;
  world?: SimWorld;
  /** The `api` section of the config: auth mode, token hashes and roles, rate limit. */
  auth: ApiConfig;
  /** Time of idempotency keys, audit records and sign-in sessions (default: the system clock). */
  clock?: Clock;
  /** The OpenAPI UI at /docs (src/api/openapi/swagger-ui.ts); without it only the JSON document is served, at /docs/json. */
  docsUi?: DocsUi;
  /**
   * Called with the fresh instance before any plugin loads: the Lambda
   * handler attaches @fastify/aws-lambda here, because it decorates requests
   * (with the event the IAM auth reads), which Fastify allows only before start.
   */
  onInstance?: (app: FastifyInstance) => void;
  /**
   * Called before a request that could change something reaches its route,
   * once it is authenticated, valid and not an idempotent replay (the Lambda
   * handler re-learns the world here, so that a refused request costs no
   * call to the cloud).
   */
  beforeChange?: () => Promise<void>;
  /** Serves GET /metrics (local mode's Prometheus registry); without it there is no such route. */
  metrics?: MetricsScrape;
}

/** Largest request body accepted: operator requests are small. */
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The HTTP API as a Fastify instance, not yet listening (the Lambda handler
 * and `npm start` both wrap it). Validation uses TypeBox directly: bodies are
 * neither coerced nor stripped, so a wrong type or an unknown field is a 400;
 * query and path integers must be written in decimal digits.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Reads (status polling) would drown the log; every request that changes something is logged.
    logController: new LogController({ disableRequestLogging: (req: { method?: string }) => req.method === 'GET' || req.method === 'HEAD' }),
  });
  deps.onInstance?.(app);
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandler(app);
  installJsonBodyParser(app);
  // Order matters: headers on every answer (401s too), cookies parsed before auth reads them,
  // auth before the rate limit (keyed by caller), idempotency and audit after validation.
  const clock = deps.clock ?? systemClock;
  const sessions = new Sessions(deps.store, clock, new TokenVerifier(deps.auth.tokens));
  await registerSecurityHeaders(app);
  // Parsed on demand by the auth hook (sessionCookie), not on every request.
  await app.register(cookie, { hook: false });
  installAuth(app, deps.auth, { pluginPrefixes: { [DOCS_PREFIX]: 'viewer' }, sessions });
  installRouteRules(app);
  await registerRateLimit(app, deps.auth.rateLimit);
  installIdempotency(app, deps.store, clock);
  installAudit(app, deps.store, clock);
  if (deps.beforeChange) installBeforeChange(app, deps.beforeChange);
  await registerOpenApi(app, deps.docsUi ? { ui: deps.docsUi } : {});
  registerStatusRoutes(app, deps);
  registerOperatorRoutes(app, deps);
  registerRunbookRoutes(app, deps);
  registerDrillRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerFenceRoutes(app, deps);
  registerTrafficRoutes(app, deps);
  registerPageRoutes(app, deps, sessions);
  if (deps.world) registerSimRoutes(app, deps.world);
  if (deps.metrics) registerMetricsRoutes(app, deps.metrics);
  await app.ready();
  return app;
}
