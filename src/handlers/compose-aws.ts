import { runbooks } from '../../runbooks/index.js';
import { createAwsProviders } from '../adapters/aws/aws-providers.js';
import { LambdaRunDispatcher } from '../adapters/aws/lambda-dispatcher.js';
import { createDynamoStateStore } from '../adapters/aws/state-store-factory.js';
import { systemClock } from '../adapters/system-clock.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { HttpProber } from '../probes/http-prober.js';
import type { HandlerDeps, InvocationContext } from './handler-deps.js';

/**
 * The environment serverless.yml gives every function:
 * - FAILOVER_CONFIG: path of the failover.yaml packaged with the function (relative to the task root);
 * - STATE_TABLE: the DynamoDB table of this regional stack;
 * - RUNBOOK_FUNCTION: name of this stack's runbook worker (the probe and API hand runs to it);
 * - AWS_REGION: set by Lambda; the stack's region and the vantage point of its probes.
 */
export const AWS_ENVIRONMENT = ['FAILOVER_CONFIG', 'STATE_TABLE', 'RUNBOOK_FUNCTION', 'AWS_REGION'] as const;

/**
 * Compose the handlers' dependencies for AWS: the configuration packaged
 * with the function (provider: aws), the DynamoDB StateStore on this
 * stack's table, the AWS providers, the HTTP prober, the Lambda dispatcher.
 */
export async function composeAws(env: Record<string, string | undefined> = process.env): Promise<HandlerDeps> {
  const missing = AWS_ENVIRONMENT.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')} (serverless.yml sets them for every function)`);
  const [configPath, table, runbookFunction, region] = AWS_ENVIRONMENT.map((name) => env[name]!) as [string, string, string, string];
  const loaded = await loadConfig(configPath);
  if (loaded.provider !== 'aws') throw new ConfigError(configPath, [{ path: 'provider', message: `must be aws on AWS Lambda, got ${loaded.provider}` }]);
  const regions = new Set(loaded.applications.flatMap((app) => app.regions.map((r) => r.name)));
  if (!regions.has(region)) {
    throw new ConfigError(configPath, [{ path: 'applications', message: `no application has a region ${region}, where this stack runs (${[...regions].join(', ')})` }]);
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
    cloud: createAwsProviders(config, { clock }),
    prober: new HttpProber({ clock, concurrency: config.probeConcurrency }),
    log,
    runbooks,
    dispatcher: new LambdaRunDispatcher(runbookFunction, { region }),
  };
}

type Handler<E, R> = (event: E, context: InvocationContext) => Promise<R>;

/**
 * A Lambda entry point whose dependencies are composed from the environment
 * on the first invocation of a container and reused by the next ones
 * (clients keep their connections). Importing the module does nothing, so
 * tests can import the handler factories next to it.
 */
export function awsHandler<E, R>(create: (deps: HandlerDeps) => Handler<E, R>): Handler<E, R> {
  let composed: Promise<Handler<E, R>> | undefined;
  return async (event, context) => {
    composed ??= composeAws()
      .then(create)
      .catch((err: unknown) => {
        composed = undefined;
        throw err;
      });
    return (await composed)(event, context);
  };
}
