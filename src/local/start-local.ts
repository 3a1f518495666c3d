import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { buildApp } from '../api/build-app.js';
import { logConfigWarnings } from '../config/config-warnings.js';
import type { Config } from '../config/types.js';
import { Controller } from '../controller/controller.js';
import type { Clock } from '../ports/clock.js';
import { HttpProber } from '../probes/http-prober.js';
import { SimWorld } from '../sim/sim-world.js';
import { createAwsProviders } from '../adapters/aws/aws-providers.js';
import type { CloudProviders } from '../ports/providers.js';
import { startEmbeddedDynamo } from './embedded-dynamo.js';
import { AwsClients } from '../adapters/aws/aws-clients.js';
import { createNotifier } from '../adapters/aws/notifier-factory.js';
import { localApiAuth } from './api-token.js';
import { swaggerUiDocs } from '../api/openapi/swagger-ui.js';

/** A running controller in one process: the controller loop, the API and, in simulation, the world. */
export interface LocalController {
  /** Present when the provider is `sim`. */
  world?: SimWorld;
  controller: Controller;
  api: FastifyInstance;
  /** Stop the loop, the API, the probes and the world. */
  close(): Promise<void>;
}

/**
 * Compose the controller as one process: the simulated world (provider
 * `sim`) or the AWS adapters (provider `aws`), the real prober, the
 * DynamoDB state store on an embedded dynalite under `stateDir`, the
 * controller and the API (with a generated token in `<stateDir>/api-token`
 * when the config has none). `npm start` calls this. Runs left `running` by a
 * previous process are resumed from their journals.
 */
export async function startLocal(config: Config, options: { clock: Clock; log: Logger; stateDir: string }): Promise<LocalController> {
  // First, so that a config the API cannot serve fails before anything starts.
  const auth = await localApiAuth(config.api, options.stateDir, options.log);
  logConfigWarnings(options.log, config);
  const world = config.provider === 'sim' ? await SimWorld.start(config, { clock: options.clock }) : undefined;
  const aws = config.provider === 'aws' ? createAwsProviders(config, { clock: options.clock }) : undefined;
  const cloud: CloudProviders = world?.providers ?? aws!;
  const prober = new HttpProber({ clock: options.clock, concurrency: config.probeConcurrency });
  const dynamo = await startEmbeddedDynamo(options.stateDir);
  const store = dynamo.store;
  const notifier = createNotifier(config, options.log, aws?.clients ?? new AwsClients({ endpoints: config.endpoints }));
  const controller = new Controller({ config, clock: options.clock, store, cloud, prober, log: options.log, runbooks, ...(notifier ? { notifier } : {}), ...(world ? { faults: world } : {}) });
  await controller.init();
  await controller.resumeRuns();
  const api = await buildApp({ controller, store, log: options.log, auth, docsUi: swaggerUiDocs, ...(world ? { world } : {}) });
  controller.start();
  return {
    ...(world ? { world } : {}),
    controller,
    api,
    async close() {
      await controller.stop();
      await api.close();
      await prober.close();
      await world?.stop();
      aws?.clients.destroy();
      await dynamo.close();
    },
  };
}
