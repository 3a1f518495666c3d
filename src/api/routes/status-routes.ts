import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { ApiDeps } from '../build-app.js';
import { DecisionsQuery } from '../schemas.js';

/** GET /health (liveness, no work), GET /status (everything the controller knows) and GET /decisions (every change of mind, with its reason). */
export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/health', { config: { auth: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/status', { config: { auth: 'viewer' } }, async () => deps.controller.status());
  app.get<{ Querystring: Static<typeof DecisionsQuery> }>('/decisions', { config: { auth: 'viewer' }, schema: { querystring: DecisionsQuery } }, async (request) => {
    const decisions = await deps.store.listDecisions({ limit: request.query.limit ?? 50, ...(request.query.app !== undefined ? { app: request.query.app } : {}) });
    return { decisions };
  });
}
