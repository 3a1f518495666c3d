import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { treeOf, type TreeNode } from '../../runbook/runbook-tree.js';
import type { Runbook } from '../../runbook/step.js';
import { callerName } from '../auth/access.js';
import type { ApiDeps } from '../build-app.js';
import { NamedRunBody, RunbookParams, RunbooksQuery } from '../schemas.js';
import { appFilter } from './app-filter.js';

/**
 * The applications' runbooks: which runbook each kind of run executes, the
 * named ones operators may run, each as a tree (GET /runbooks); and a run
 * of a named runbook (POST /runbooks/:name/runs, 202 with the run; plan it
 * first with POST /drills {mode: plan, runbook}).
 */
export function registerRunbookRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { controller } = deps;
  app.get<{ Querystring: Static<typeof RunbooksQuery> }>('/runbooks', { config: { auth: 'viewer' }, schema: { querystring: RunbooksQuery } }, async (request) => {
    const only = appFilter(controller.config, request.query.app).app;
    const applications = controller.config.applications
      .filter((a) => only === undefined || a.name === only)
      .map((a) => ({
        app: a.name,
        own: a.runbooks !== undefined,
        failover: described(controller.runbooks.forKind(a.name, 'failover')),
        failback: described(controller.runbooks.forKind(a.name, 'failback')),
        named: controller.runbooks.namedOf(a.name).map(described),
      }));
    return { applications };
  });

  app.post<{ Params: Static<typeof RunbookParams>; Body: Static<typeof NamedRunBody> }>(
    '/runbooks/:name/runs',
    {
      config: { auth: 'operator' },
      schema: {
        params: RunbookParams,
        body: NamedRunBody,
        description: "Run one of the application's named runbooks now (202 with the run; follow it at /runs/:id). Its steps see the active region as from, and `to` (default: the first other region) as to.",
      },
    },
    async (request, reply) => {
      const run = await controller.runNamed({ ...request.body, runbook: request.params.name, by: callerName(request) });
      return reply.code(202).send({ run });
    },
  );
}

/** A runbook as GET /runbooks shows it. */
function described(book: Runbook): { name: string; title: string; tree: TreeNode } {
  return { name: book.name, title: book.title, tree: treeOf(book.root) };
}
