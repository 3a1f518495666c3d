import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { ApiDeps } from '../build-app.js';
import { DecisionsQuery, ReadinessQuery } from '../schemas.js';
import { StatusSnapshot } from '../status-snapshot.js';
import { appFilter } from './app-filter.js';

/** GET /health (liveness, no work), GET /status (everything the controller knows) GET /decisions (every change of mind, with its reason) and GET /readiness. */
export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/health', { config: { auth: 'public' } }, async () => ({ status: 'ok' }));
  const snapshot = new StatusSnapshot(deps.controller);
  app.get('/status', { config: { auth: 'viewer' } }, async (_request, reply) => {
    // Already JSON: Fastify sends a string with a JSON content type as it is.
    reply.type('application/json; charset=utf-8');
    return snapshot.json();
  });
  app.get<{ Querystring: Static<typeof DecisionsQuery> }>('/decisions', { config: { auth: 'viewer' }, schema: { querystring: DecisionsQuery } }, async (request) => {
    const decisions = await deps.store.listDecisions({ limit: request.query.limit ?? 50, ...appFilter(deps.controller.config, request.query.app) });
    return { decisions };
  });
  // Readiness checks and drift, as every vantage point last read them (the runbook worker on AWS, the loop locally).
  app.get<{ Querystring: Static<typeof ReadinessQuery> }>('/readiness', { config: { auth: 'viewer' }, schema: { querystring: ReadinessQuery } }, async (request) => {
    return { applications: await deps.controller.readiness(request.query.app) };
  });
}
