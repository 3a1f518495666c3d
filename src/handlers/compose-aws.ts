import type { Logger } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { createDynamoStateStore } from '../adapters/aws/state-store-factory.js';
import { systemClock } from '../adapters/system-clock.js';
import { ConfigError } from '../config/config-error.js';
import { readPackagedConfig } from '../config/packaged-config.js';
import type { Config } from '../config/types.js';
import type { Notifier } from '../ports/notifier.js';
import { createLogger } from '../logging/logger.js';
import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import type { RunDispatcher } from '../ports/run-dispatcher.js';
import { HttpProber } from '../probes/http-prober.js';
import type { HandlerDeps, InvocationContext } from './handler-deps.js';

/**
 * The environment serverless.yml gives every function:
 * - FAILOVER_CONFIG: path of the configuration packaged with the function (relative to the task
 *   root): the stack's failover.yaml, validated when the stack was packaged, as JSON
 *   (src/config/packaged-config.ts);
 * - STATE_TABLE: the DynamoDB table of this regional stack;
 * - RUNBOOK_FUNCTION: name of this stack's runbook worker (the probe and API hand runs to it);
 * - AWS_REGION: set by Lambda; the stack's region and the vantage point of its probes.
 */
export const AWS_ENVIRONMENT = ['FAILOVER_CONFIG', 'STATE_TABLE', 'RUNBOOK_FUNCTION', 'AWS_REGION'] as const;

/**
 * What sets the functions' compositions apart. Each entry point passes its
 * own, so that its bundle carries only the SDK clients it calls (its role
 * allows nothing more): the probe reads Route 53 alone
 * (src/handlers/probe-providers.ts) and the API and the worker use every
 * cloud port (createCloudProviders); the probe and the API hand runs to the
 * worker with a Lambda invocation (LambdaRunDispatcher), the worker hands
 * nothing on.
 */
export interface FunctionParts {
  /** The cloud providers, from the configuration. */
  cloud: (config: Config, options: { clock: Clock }) => CloudProviders;
  /** How runs created here reach the runbook worker of this stack (RUNBOOK_FUNCTION) in `region`. */
  dispatcher: (runbookFunction: string, options: { region: string }) => RunDispatcher;
  /** Where this function's decisions are notified (only the probe decides). */
  notifier?: (config: Config, log: Logger) => Notifier | undefined;
}

/**
 * Compose the handlers' dependencies for AWS: the configuration packaged
 * with the function (provider: aws), the DynamoDB StateStore on this
 * stack's table, the HTTP prober, and the cloud providers and the
 * dispatcher of the function (`parts`).
 */
export async function composeAws(parts: FunctionParts, env: Record<string, string | undefined> = process.env): Promise<HandlerDeps> {
  const missing = AWS_ENVIRONMENT.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')} (serverless.yml sets them for every function)`);
  const [configPath, table, runbookFunction, region] = AWS_ENVIRONMENT.map((name) => env[name]!) as [string, string, string, string];
  const { config: loaded, source } = await readPackagedConfig(configPath);
  if (loaded.provider !== 'aws') throw new ConfigError(source, [{ path: 'provider', message: `must be aws on AWS Lambda, got ${loaded.provider}` }]);
  const regions = new Set(loaded.applications.flatMap((app) => app.regions.map((r) => r.name)));
  if (!regions.has(region)) {
    throw new ConfigError(source, [{ path: 'applications', message: `no application has a region ${region}, where this stack runs (${[...regions].join(', ')})` }]);
  }
  // Every regional stack probes every region: its own region is its vantage point.
  const config = { ...loaded, vantage: region };
  const clock = systemClock;
  const log = createLogger({ pretty: false }).child({ region });
  const { store } = createDynamoStateStore({ table, region, ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}) });
  return {
    config,
    region,
    clock,
    store,
    cloud: parts.cloud(config, { clock }),
    prober: new HttpProber({ clock, concurrency: config.probeConcurrency }),
    log,
    runbooks,
    dispatcher: parts.dispatcher(runbookFunction, { region }),
    ...withNotifier(parts.notifier?.(config, log)),
  };
}

type Handler<E, R> = (event: E, context: InvocationContext) => Promise<R>;

/**
 * A Lambda entry point whose dependencies are composed from the environment
 * (with the function's `parts`) on the first invocation of a container and
 * reused by the next ones (clients keep their connections). Importing the
 * module does nothing, so tests can import the handler factories next to it.
 */
export function awsHandler<E, R>(parts: FunctionParts, create: (deps: HandlerDeps) => Handler<E, R>): Handler<E, R> {
  let composed: Promise<Handler<E, R>> | undefined;
  return async (event, context) => {
    composed ??= composeAws(parts)
      .then(create)
      .catch((err: unknown) => {
        composed = undefined;
        throw err;
      });
    return (await composed)(event, context);
  };
}

function withNotifier(notifier: Notifier | undefined): { notifier?: Notifier } {
  return notifier ? { notifier } : {};
}
