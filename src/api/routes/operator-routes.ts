import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { callerName } from '../auth/access.js';
import type { ApiDeps } from '../build-app.js';
import { FailbackBody, FailoverBody } from '../schemas.js';

/**
 * The operator's levers: manual failover and failback (drills:
 * drill-routes.ts). The authenticated caller is recorded as the run's
 * `startedBy`, which the two-person rule (policy.separateApprover) checks.
 */
export function registerOperatorRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: Static<typeof FailoverBody> }>('/failover', { config: { auth: 'operator' }, schema: { body: FailoverBody } }, async (request, reply) => {
    const run = await deps.controller.failover({ ...request.body, by: callerName(request) });
    return reply.code(202).send({ run });
  });

  app.post<{ Body: Static<typeof FailbackBody> }>('/failback', { config: { auth: 'operator' }, schema: { body: FailbackBody } }, async (request, reply) => {
    const run = await deps.controller.failback({ ...request.body, by: callerName(request) });
    return reply.code(202).send({ run });
  });
}
