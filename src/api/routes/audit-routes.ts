import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { ApiDeps } from '../build-app.js';
import { AuditQuery } from '../schemas.js';

/** GET /audit: the audit trail of every call that could change something, newest first. */
export function registerAuditRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>('/audit', { config: { auth: 'viewer' }, schema: { querystring: AuditQuery } }, async (request) => {
    const records = await deps.store.listAudit({ limit: request.query.limit ?? 50 });
    return { records };
  });
}
