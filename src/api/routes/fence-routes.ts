import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { findApp } from '../../controller/app-lookup.js';
import { describeFence } from '../../runbook/steps/fence-attempt.js';
import type { ApiDeps } from '../build-app.js';
import { FenceQuery } from '../schemas.js';

/**
 * GET /fence?app=: where an application may write, for applications that
 * cannot read the state table themselves: the fencing epoch (`writerRegion`
 * absent while writes are frozen for a planned handover) and the network
 * fence of each region's old writer, with a sentence each. An instance that
 * checks it refuses writes unless `writerRegion` is its region, and ignores
 * an answer whose `epoch` is below one it has seen. Read-only, any viewer.
 */
export function registerFenceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof FenceQuery> }>('/fence', { config: { auth: 'viewer' }, schema: { querystring: FenceQuery } }, async (request) => {
    const { name } = findApp(deps.controller.config, request.query.app);
    const [epoch, fences] = await Promise.all([deps.store.getWriterEpoch(name), deps.store.listNetworkFences(name)]);
    return {
      app: name,
      epoch: epoch ?? null,
      writerRegion: epoch ? (epoch.writerRegion ?? null) : null,
      frozen: epoch !== undefined && epoch.writerRegion === undefined,
      fences: fences.map((f) => ({ region: f.region, database: f.database, state: f.state, runId: f.runId, attempts: f.attempts, revoked: f.revoked, summary: describeFence(f) })),
    };
  });
}
