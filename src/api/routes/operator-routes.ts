import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { ApiDeps } from '../build-app.js';
import { DrillBody, FailbackBody, FailoverBody } from '../schemas.js';

/** The operator's levers: manual failover, failback, and the dry-run drill. */
export function registerOperatorRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: Static<typeof FailoverBody> }>('/failover', { schema: { body: FailoverBody } }, async (request, reply) => {
    const run = await deps.controller.failover(request.body);
    return reply.code(202).send({ run });
  });

  app.post<{ Body: Static<typeof FailbackBody> }>('/failback', { schema: { body: FailbackBody } }, async (request, reply) => {
    const run = await deps.controller.failback(request.body);
    return reply.code(202).send({ run });
  });

  app.post<{ Body: Static<typeof DrillBody> }>('/drills', { schema: { body: DrillBody } }, async (request) => {
    const { app: name, kind, to } = request.body;
    const plan = await deps.controller.plan({ kind: kind ?? 'failover', ...(name !== undefined ? { app: name } : {}), ...(to !== undefined ? { to } : {}) });
    return { mode: 'plan', plan };
  });
}
