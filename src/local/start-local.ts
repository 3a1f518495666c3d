import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { buildApp } from '../api/build-app.js';
import type { Config } from '../config/types.js';
import { Controller } from '../controller/controller.js';
import { UserInputError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import { HttpProber } from '../probes/http-prober.js';
import { SimWorld } from '../sim/sim-world.js';
import { startEmbeddedDynamo } from './embedded-dynamo.js';

/** A running local controller: world, controller loop and API. */
export interface LocalController {
  world: SimWorld;
  controller: Controller;
  api: FastifyInstance;
  /** Stop the loop, the API, the probes and the world. */
  close(): Promise<void>;
}

/**
 * Compose local mode: the simulated world from the config, the real prober,
 * the DynamoDB state store on an embedded dynalite under `stateDir`, the
 * controller and the API, as one process. `npm start` calls this.
 */
export async function startLocal(config: Config, options: { clock: Clock; log: Logger; stateDir: string }): Promise<LocalController> {
  if (config.provider !== 'sim') {
    throw new UserInputError(`provider: ${config.provider} is not available in local mode yet; use provider: sim`);
  }
  const world = await SimWorld.start(config, { clock: options.clock });
  const prober = new HttpProber({ clock: options.clock, concurrency: config.probeConcurrency });
  const dynamo = await startEmbeddedDynamo(options.stateDir);
  const store = dynamo.store;
  const controller = new Controller({ config, clock: options.clock, store, cloud: world.providers, prober, log: options.log, runbooks });
  await controller.init();
  const api = await buildApp({ controller, store, log: options.log, world });
  controller.start();
  return {
    world,
    controller,
    api,
    async close() {
      await controller.stop();
      await api.close();
      await prober.close();
      await world.stop();
      await dynamo.close();
    },
  };
}
