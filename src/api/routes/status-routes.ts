import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../build-app.js';

/** GET /health (liveness, no work) and GET /status (everything the controller knows). */
export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/status', async () => deps.controller.status());
}
