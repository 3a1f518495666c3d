import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { NotFoundError } from '../../errors/errors.js';
import { callerName } from '../auth/access.js';
import type { ApiDeps } from '../build-app.js';
import { ApproveBody, CancelBody, RunParams, RunsQuery } from '../schemas.js';
import { appFilter } from './app-filter.js';

/**
 * GET /runs (newest first), GET /runs/:id (steps with timings, and the
 * journal), approvals and cancel. Who approved or cancelled is the
 * authenticated caller; a `by` in the body is only kept beside it.
 */
export function registerRunRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof RunsQuery> }>('/runs', { config: { auth: 'viewer' }, schema: { querystring: RunsQuery } }, async (request) => {
    const runs = await deps.store.listRuns({ limit: request.query.limit ?? 50, ...appFilter(deps.controller.config, request.query.app) });
    return { runs };
  });

  app.get<{ Params: Static<typeof RunParams> }>('/runs/:id', { config: { auth: 'viewer' }, schema: { params: RunParams } }, async (request) => {
    const run = await deps.store.getRun(request.params.id);
    if (!run) throw new NotFoundError(`no run with id ${request.params.id}`);
    const journal = await deps.store.readJournal(run.id);
    return { run, journal };
  });

  app.post<{ Params: Static<typeof RunParams>; Body: Static<typeof ApproveBody> }>(
    '/runs/:id/approve',
    {
      config: { auth: 'approver' },
      schema: {
        params: RunParams,
        body: ApproveBody,
        description: 'Answer an approval gate. The answer is recorded as given by the authenticated caller (202 names it as `by`). With policy.separateApprover, the caller who started a manual run may not approve it (403).',
      },
    },
    async (request, reply) => {
      const { by: statedBy, comment, decision, stepId } = request.body;
      const by = callerName(request);
      const run = await deps.controller.answerApproval({ runId: request.params.id, by, ...(statedBy !== undefined ? { statedBy } : {}), decision: decision ?? 'approve', ...(comment ? { comment } : {}), ...(stepId ? { stepId } : {}) });
      return reply.code(202).send({ runId: run.id, decision: decision ?? 'approve', by });
    },
  );

  app.post<{ Params: Static<typeof RunParams>; Body: Static<typeof CancelBody> }>('/runs/:id/cancel', { config: { auth: 'operator' }, schema: { params: RunParams, body: CancelBody, description: 'Stop a run at its next step boundary (with rollback, undo what can be undone). Recorded as requested by the authenticated caller (202 names it as `by`).' } }, async (request, reply) => {
    const { by: statedBy, comment, rollback } = request.body;
    const by = callerName(request);
    const run = await deps.controller.cancelRun({ runId: request.params.id, by, ...(statedBy !== undefined ? { statedBy } : {}), rollback: rollback ?? false, ...(comment ? { comment } : {}) });
    return reply.code(202).send({ runId: run.id, cancel: 'requested: the run stops at its next step boundary', rollback: rollback ?? false, by });
  });
}
