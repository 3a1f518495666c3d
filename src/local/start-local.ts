import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { loadRunbookCatalog } from '../runbook/load-runbooks.js';
import { buildApp } from '../api/build-app.js';
import { logConfigWarnings } from '../config/config-warnings.js';
import type { Config } from '../config/types.js';
import { Controller } from '../controller/controller.js';
import type { Clock } from '../ports/clock.js';
import { HttpProber } from '../probes/http-prober.js';
import { SimWorld } from '../sim/sim-world.js';
import type { CloudProviders } from '../ports/providers.js';
import type { SnsClientSource } from '../adapters/aws/sns-clients.js';
import type { Notifier } from '../ports/notifier.js';
import { localApiAuth } from './api-token.js';
import { swaggerUiDocs } from '../api/openapi/swagger-ui.js';
import { ensureDirectory, stateDirLayout } from './state-dir.js';
import { openLocalState } from './local-state.js';
import { freezeCallAt, freezeJournalAt } from './freeze-points.js';
import { listenOrExplain } from './listen.js';
import { PromMetrics } from '../adapters/metrics/prom-metrics.js';
import { removeApiUrl, writeApiUrl } from './api-url-file.js';

/** A running controller in one process: the controller loop, the API and, in simulation, the world. */
export interface LocalController {
  /** Present when the provider is `sim`. */
  world?: SimWorld;
  controller: Controller;
  api: FastifyInstance;
  /** Where the API listens, e.g. `http://127.0.0.1:8080`. */
  address: string;
  /** Stop the loop, the API, the probes and the world. */
  close(): Promise<void>;
}

/** How to start local mode. */
export interface LocalOptions {
  clock: Clock;
  log: Logger;
  stateDir: string;
  port: number;
  host?: string;
  /** Start over state that is gone or damaged (`--accept-lost-state`), instead of refusing. */
  acceptLostState?: boolean;
  /** A freeze point (FAILOVER_SIM_FREEZE_AT) for crash drills in simulation; see freeze-points.ts. */
  freezeAt?: string;
}

/**
 * Compose the controller as one process: the simulated world (provider
 * `sim`) or the AWS adapters (provider `aws`), the real prober, the
 * DynamoDB state store on an embedded dynalite under `stateDir`, the
 * controller and the API (with a generated token in `<stateDir>/api-token`
 * when the config has none). `npm start` calls this.
 *
 * Everything a restart must find again lives under `stateDir`: the store,
 * and in simulation the simulated cloud and its regions' switches (`sim/`).
 * State that was there and is gone or damaged stops the start (see
 * openLocalState). The API port is taken before any run is resumed, so a
 * busy port stops the start before it has changed anything; then runs left
 * `running` by a previous process are resumed from their journals.
 */
export async function startLocal(config: Config, options: LocalOptions): Promise<LocalController> {
  const { clock, log } = options;
  const layout = stateDirLayout(options.stateDir);
  await ensureDirectory(layout.dir);
  // Before the store: a config the API cannot serve fails before anything starts.
  const auth = await localApiAuth(config.api, options.stateDir, log);
  logConfigWarnings(log, config);
  // The application's own runbooks load, and pass the plan lint, before anything starts.
  const catalog = await loadRunbookCatalog(config, runbooks);
  const sim = config.provider === 'sim';
  const freezeAt = sim ? options.freezeAt : undefined;
  const dynamo = await openLocalState(layout, { acceptLoss: options.acceptLostState === true, sim, log });
  const closing: (() => Promise<void> | void)[] = [() => dynamo.close()];
  const closeAll = async () => {
    for (const close of closing.reverse()) await close();
  };
  try {
    const onCommitted = freezeAt ? freezeCallAt(freezeAt) : undefined;
    const world = sim ? await SimWorld.start(config, {
          clock,
          dir: layout.simDir,
          delays: config.simulation.delays,
          ...(config.simulation.dnsPort !== undefined ? { dnsPort: config.simulation.dnsPort } : {}),
          ...(onCommitted ? { onCommitted } : {}),
        }) : undefined;
    if (world) closing.push(() => world.stop());
    // The SDK clients of the cloud and of SNS load only when used: a simulated world starts without them.
    const aws = config.provider === 'aws' ? (await import('../adapters/aws/aws-providers.js')).createAwsProviders(config, { clock }) : undefined;
    if (aws) closing.push(() => aws.clients.destroy());
    const cloud: CloudProviders = world?.providers ?? aws!;
    const prober = new HttpProber({ clock, concurrency: config.probeConcurrency });
    closing.push(() => prober.close());
    const store = freezeAt ? freezeJournalAt(dynamo.store, freezeAt) : dynamo.store;
    const notifier = await localNotifier(config, log, aws?.clients);
    const metrics = new PromMetrics(log);
    const controller = new Controller({ config, clock, store, cloud, prober, log, runbooks: catalog, metrics, ...(notifier ? { notifier } : {}), ...(world ? { faults: world } : {}) });
    await controller.init();
    const scrape = () => metrics.scrape();
    const api = await buildApp({ controller, store, log, auth, docsUi: swaggerUiDocs, metrics: scrape, ...(world ? { world } : {}) });
    closing.push(() => api.close());
    const address = await listenOrExplain(api, options.port, options.host ?? '127.0.0.1');
    // For the CLI: it finds this API without being told the PORT.
    await writeApiUrl(layout.dir, address);
    closing.push(() => removeApiUrl(layout.dir));
    await controller.resumeRuns();
    controller.start();
    closing.push(() => controller.stop());
    return { ...(world ? { world } : {}), controller, api, address, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The configured notifiers, if any; their modules (SNS's SDK client among them) load only then. */
async function localNotifier(config: Config, log: Logger, clients: SnsClientSource | undefined): Promise<Notifier | undefined> {
  if (!config.notifications.webhookUrl && !config.notifications.snsTopicArn) return undefined;
  const { createNotifier } = await import('../adapters/aws/notifier-factory.js');
  const source = clients ?? new (await import('../adapters/aws/sns-clients.js')).SnsClients({ endpoints: config.endpoints });
  return createNotifier(config, log, source);
}
