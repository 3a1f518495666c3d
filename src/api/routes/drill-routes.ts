import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { UserInputError } from '../../errors/errors.js';
import type { ApiDeps } from '../build-app.js';
import { callerName } from '../auth/access.js';
import { prefersHtml } from '../content-negotiation.js';
import { AbortDrillBody, DrillBody, DrillParams, DrillReportQuery, DrillsQuery } from '../drill-schemas.js';
import { renderDrillReportPage } from '../pages/drill-report-page.js';
import { appFilter } from './app-filter.js';

/**
 * Drills: a plan (a dry run, nothing changes) or a game day (a real
 * failover and failback, each phase timed against the RTO), their list, each
 * drill, its report (JSON, or a page for browsers) and the abort.
 */
export function registerDrillRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const drills = deps.controller.drills;

  app.post<{ Body: Static<typeof DrillBody> }>(
    '/drills',
    { config: { auth: 'operator' }, schema: { body: DrillBody, description: 'Plan a drill (mode plan: 200 with the plan) or start a game day (mode game-day: 202 with the drill; follow it at /drills/:id).' } },
    async (request, reply) => {
      const { mode, app: name, kind, to, failback, route53, decision, runbook, runbooks } = request.body;
      if (mode === 'plan') {
        if (failback !== undefined) throw new UserInputError('body.failback: only for mode game-day; a plan changes nothing and has no failback');
        if (route53 !== undefined) throw new UserInputError('body.route53: only for mode game-day; a plan breaks nothing');
        if (decision !== undefined) throw new UserInputError('body.decision: only for mode game-day; a plan decides nothing');
        if (runbooks !== undefined) {
          throw new UserInputError('body.runbooks: only for mode game-day; to plan one named runbook, give runbook');
        }
        if (runbook !== undefined && kind !== undefined) throw new UserInputError('body.kind: give either kind or runbook; runbook plans that named runbook');
        const what = runbook !== undefined ? { kind: 'runbook' as const, runbook } : { kind: kind ?? 'failover' };
        const plan = await deps.controller.plan({ ...what, ...(name !== undefined ? { app: name } : {}), ...(to !== undefined ? { to } : {}) });
        return { mode: 'plan', plan };
      }
      if (runbook !== undefined) throw new UserInputError('body.runbook: only for mode plan; a game day runs named runbooks given as runbooks: ["name", …]');
      if (kind !== undefined) throw new UserInputError('body.kind: only for mode plan; a game day is a failover and, unless failback is false, a failback');
      const drill = await drills.start({
        by: callerName(request),
        ...(name !== undefined ? { app: name } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(failback !== undefined ? { failback } : {}),
        ...(route53 !== undefined ? { route53 } : {}),
        ...(decision !== undefined ? { decision } : {}),
        ...(runbooks !== undefined ? { runbooks } : {}),
      });
      return reply.code(202).send({ drill });
    },
  );

  app.get<{ Querystring: Static<typeof DrillsQuery> }>('/drills', { config: { auth: 'viewer' }, schema: { querystring: DrillsQuery } }, async (request) => {
    // The list stays light: the reports are at /drills/:id/report.
    const list = await drills.list({ limit: request.query.limit ?? 20, ...appFilter(deps.controller.config, request.query.app) });
    return { drills: list.map(({ report: _report, ...drill }) => drill) };
  });

  app.get<{ Params: Static<typeof DrillParams> }>('/drills/:id', { config: { auth: 'viewer' }, schema: { params: DrillParams } }, async (request) => {
    const drill = await drills.get(request.params.id);
    const report = await drills.report(drill.id);
    return { drill: { ...drill, report, runs: report.runs } };
  });

  app.get<{ Params: Static<typeof DrillParams>; Querystring: Static<typeof DrillReportQuery> }>(
    '/drills/:id/report',
    { config: { auth: 'viewer' }, schema: { params: DrillParams, querystring: DrillReportQuery, description: 'JSON by default; a readable page with ?format=html or when Accept prefers text/html.' } },
    async (request, reply) => {
      const report = await drills.report(request.params.id);
      const html = request.query.format === 'html' || (request.query.format === undefined && prefersHtml(request.headers.accept));
      reply.header('vary', 'accept');
      if (!html) return report;
      // A report in progress changes by the second: never from a cache.
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderDrillReportPage(report));
    },
  );

  app.post<{ Params: Static<typeof DrillParams>; Body: Static<typeof AbortDrillBody> }>(
    '/drills/:id/abort',
    {
      config: { auth: 'operator' },
      schema: {
        params: DrillParams,
        body: AbortDrillBody,
        description: 'Abort a game day: the injected fault is healed and nothing more is started; a run in flight finishes (cancel it at /runs/:id/cancel if you must), so the application ends in one consistent layout. 409 when the fault cannot be healed: the drill is then NOT aborted (it keeps running), and the abort may be tried again.',
      },
      // A bare `curl -X POST` has no body: an abort without a reason.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const result = await drills.abort({ id: request.params.id, by: callerName(request), ...(request.body?.reason ? { reason: request.body.reason } : {}) });
      return reply.code(202).send(result);
    },
  );
}
