import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { NotFoundError } from '../../errors/errors.js';
import type { ApiDeps } from '../build-app.js';
import { RunParams, RunsQuery } from '../schemas.js';

/** GET /runs (newest first) and GET /runs/:id (steps with timings, and the journal). */
export function registerRunRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof RunsQuery> }>('/runs', { schema: { querystring: RunsQuery } }, async (request) => {
    const runs = await deps.store.listRuns({ limit: request.query.limit ?? 50, ...(request.query.app !== undefined ? { app: request.query.app } : {}) });
    return { runs };
  });

  app.get<{ Params: Static<typeof RunParams> }>('/runs/:id', { schema: { params: RunParams } }, async (request) => {
    const run = await deps.store.getRun(request.params.id);
    if (!run) throw new NotFoundError(`no run with id ${request.params.id}`);
    const journal = await deps.store.readJournal(run.id);
    return { run, journal };
  });
}
