import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { SimWorld } from '../../sim/sim-world.js';
import { UserInputError } from '../../errors/errors.js';
import { OutageBody, RegionParams, Route53OutageBody } from '../schemas.js';

/** Simulation only: break and heal a region of the simulated world. */
export function registerSimRoutes(app: FastifyInstance, world: SimWorld): void {
  app.post<{ Params: Static<typeof RegionParams>; Body: Static<typeof OutageBody> | undefined }>(
    '/sim/regions/:region/outage',
    {
      config: { auth: 'operator' },
      schema: { params: RegionParams, body: OutageBody },
      // A bare `curl -X POST` has no body: that means the default outage.
      // (Only no body at all: a JSON `null` is a malformed body, not a default.)
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request) => {
      const mode = request.body?.mode ?? 'down';
      const controlPlane = request.body?.controlPlane ?? 'refuses';
      if (controlPlane === 'hangs' && mode !== 'down') throw new UserInputError(`body.controlPlane: hangs goes with mode down (a region whose endpoints answer ${mode} still has its control plane)`);
      await world.outage(request.params.region, mode, { controlPlane });
      return { region: request.params.region, mode, ...(mode === 'down' ? { controlPlane } : {}) };
    },
  );

  app.post<{ Params: Static<typeof RegionParams> }>('/sim/regions/:region/heal', { config: { auth: 'operator' }, schema: { params: RegionParams } }, async (request) => {
    await world.heal(request.params.region);
    return { region: request.params.region, mode: 'healthy' };
  });

  app.get('/sim/regions', { config: { auth: 'viewer' } }, async () => ({ regions: world.regions(), route53ControlPlane: world.route53State() }));

  // Route 53's control plane on its own (AWS runs it in us-east-1 alone): record changes and health-check calls fail; DNS answers go on.
  app.post<{ Body: Static<typeof Route53OutageBody> | undefined }>(
    '/sim/route53/outage',
    {
      config: { auth: 'operator' },
      schema: { body: Route53OutageBody },
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request) => {
      const controlPlane = request.body?.controlPlane ?? 'refuses';
      world.route53(controlPlane);
      return { route53ControlPlane: controlPlane };
    },
  );

  app.post('/sim/route53/heal', { config: { auth: 'operator' } }, async () => {
    world.route53('up');
    return { route53ControlPlane: 'up' };
  });
}
