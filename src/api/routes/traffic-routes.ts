import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { findApp } from '../../controller/app-lookup.js';
import { ConflictError, PermanentError } from '../../errors/errors.js';
import { askNameServers, majorityRegion } from '../../traffic/answer-check.js';
import type { ApiDeps } from '../build-app.js';
import { FenceQuery, ProvisionBody } from '../schemas.js';

/**
 * The data-plane traffic switches: GET /traffic (any viewer) says where an
 * application's switch sends traffic and what each authoritative name
 * server answers; POST /traffic/provision (operator) plans, or with
 * `apply: true` makes, the alarms, health checks and records ahead of time.
 */
export function registerTrafficRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: Static<typeof FenceQuery> }>(
    '/traffic',
    { config: { auth: 'viewer' }, schema: { querystring: FenceQuery } },
    async (request) => {
      const found = findApp(deps.controller.config, request.query.app);
      const [intent, setup] = await Promise.all([deps.store.getTrafficIntent(found.name), deps.store.getTrafficSetup(found.name)]);
      // The simulated world serves every zone over DNS, whatever the mode: local mode shows where clients go.
      const simulated = deps.world?.nameServerAddresses()[found.regions[0]!.dns.hostedZoneId];
      const servers = found.traffic.nameServers ?? setup?.nameServers ?? (simulated ? [simulated] : []);
      const answers = servers.length > 0 ? await askNameServers(deps.controller.cloud.traffic.authoritativeDns, servers, found) : [];
      return {
        app: found.name,
        mode: found.traffic.mode,
        intent: intent ?? null,
        setup: setup ?? null,
        answers,
        answered: majorityRegion(answers) ?? null,
      };
    },
  );

  app.post<{ Body: Static<typeof ProvisionBody> | undefined }>(
    '/traffic/provision',
    {
      config: { auth: 'operator' },
      schema: { body: ProvisionBody },
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request) => {
      try {
        const plans = await deps.controller.provisionTraffic({
          ...(request.body?.app ? { app: request.body.app } : {}),
          apply: request.body?.apply === true,
        });
        return { applied: request.body?.apply === true, plans };
      } catch (err) {
        // Not ours to fix: a zone not owned, a function that cannot change the cloud. Said as a conflict, never a 500.
        if (err instanceof PermanentError) throw new ConflictError(`cannot provision: ${err.message}`);
        throw err;
      }
    },
  );
}
