import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { NotFoundError } from '../../errors/errors.js';
import type { ApiDeps } from '../build-app.js';
import { ApproveBody, CancelBody, RunParams, RunsQuery } from '../schemas.js';

/** GET /runs (newest first), GET /runs/:id (steps with timings, and the journal), approvals and cancel. */
export function registerRunRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof RunsQuery> }>('/runs', { config: { auth: 'viewer' }, schema: { querystring: RunsQuery } }, async (request) => {
    const runs = await deps.store.listRuns({ limit: request.query.limit ?? 50, ...(request.query.app !== undefined ? { app: request.query.app } : {}) });
    return { runs };
  });

  app.get<{ Params: Static<typeof RunParams> }>('/runs/:id', { config: { auth: 'viewer' }, schema: { params: RunParams } }, async (request) => {
    const run = await deps.store.getRun(request.params.id);
    if (!run) throw new NotFoundError(`no run with id ${request.params.id}`);
    const journal = await deps.store.readJournal(run.id);
    return { run, journal };
  });

  app.post<{ Params: Static<typeof RunParams>; Body: Static<typeof ApproveBody> }>('/runs/:id/approve', { config: { auth: 'approver' }, schema: { params: RunParams, body: ApproveBody } }, async (request, reply) => {
    const { by, comment, decision, stepId } = request.body;
    const run = await deps.controller.answerApproval({ runId: request.params.id, by, decision: decision ?? 'approve', ...(comment ? { comment } : {}), ...(stepId ? { stepId } : {}) });
    return reply.code(202).send({ runId: run.id, decision: decision ?? 'approve' });
  });

  app.post<{ Params: Static<typeof RunParams>; Body: Static<typeof CancelBody> }>('/runs/:id/cancel', { config: { auth: 'operator' }, schema: { params: RunParams, body: CancelBody } }, async (request, reply) => {
    const { by, comment, rollback } = request.body;
    const run = await deps.controller.cancelRun({ runId: request.params.id, by, rollback: rollback ?? false, ...(comment ? { comment } : {}) });
    return reply.code(202).send({ runId: run.id, cancel: 'requested: the run stops at its next step boundary', rollback: rollback ?? false });
  });
}
