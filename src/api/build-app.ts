import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Controller } from '../controller/controller.js';
import type { StateStore } from '../ports/state-store.js';
import type { SimWorld } from '../sim/sim-world.js';
import { installErrorHandler } from './error-handler.js';
import { registerOperatorRoutes } from './routes/operator-routes.js';
import { registerRunRoutes } from './routes/run-routes.js';
import { registerSimRoutes } from './routes/sim-routes.js';
import { registerStatusRoutes } from './routes/status-routes.js';

/** What the API needs. `world` is present only in simulation mode, and with it the /sim routes. */
export interface ApiDeps {
  controller: Controller;
  store: StateStore;
  log: Logger;
  world?: SimWorld;
}

/** Largest request body accepted: operator requests are small. */
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The HTTP API as a Fastify instance, not yet listening (the Lambda handler
 * and `npm start` both wrap it). Validation uses TypeBox directly: bodies are
 * neither coerced nor stripped, so a wrong type or an unknown field is a 400.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Reads (status polling) would drown the log; every request that changes something is logged.
    logController: new LogController({ disableRequestLogging: (req: { method?: string }) => req.method === 'GET' || req.method === 'HEAD' }),
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandler(app);
  registerStatusRoutes(app, deps);
  registerOperatorRoutes(app, deps);
  registerRunRoutes(app, deps);
  if (deps.world) registerSimRoutes(app, deps.world);
  await app.ready();
  return app;
}
