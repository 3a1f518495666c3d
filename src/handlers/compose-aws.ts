import type { Logger } from 'pino';
import { runbooks } from '../../runbooks/index.js';
import { loadRunbookCatalog } from '../runbook/load-runbooks.js';
import { createDynamoStateStore } from '../adapters/aws/state-store-factory.js';
import type { FlushingMetricsSink } from '../ports/metrics-sink.js';
import { systemClock } from '../adapters/system-clock.js';
import { logConfigWarnings } from '../config/config-warnings.js';
import type { Config } from '../config/types.js';
import type { Notifier } from '../ports/notifier.js';
import type { Clock } from '../ports/clock.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { RunDispatcher } from '../ports/run-dispatcher.js';
import type { HandlerDeps } from './handler-deps.js';
import { composedOnFirstUse, type Handler, requireEnvironment, stackConfig, stackLogger } from './stack-environment.js';

/**
 * The environment serverless.yml gives every function:
 * - FAILOVER_CONFIG: path of the configuration packaged with the function (relative to the task
 *   root): the stack's failover.yaml, validated when the stack was packaged, as JSON
 *   (src/config/packaged-config.ts);
 * - STATE_TABLE: the DynamoDB table of this regional stack;
 * - RUNBOOK_FUNCTION: name of this stack's runbook worker (the probe and API hand runs to it);
 * - AWS_REGION: set by Lambda; the stack's region and the vantage point of its probes;
 * - METRICS_NAMESPACE (optional): the CloudWatch namespace of the stage's metrics, which its alarms read.
 * The reader function uses FAILOVER_CONFIG and AWS_REGION alone (READER_ENVIRONMENT,
 * src/handlers/reader.ts); the API also gets READER_FUNCTION (src/handlers/api.ts).
 */
export const AWS_ENVIRONMENT = ['FAILOVER_CONFIG', 'STATE_TABLE', 'RUNBOOK_FUNCTION', 'AWS_REGION'] as const;

/** How a function reaches the world: the cloud ports, and HTTP probes of the applications. */
export interface FunctionWorld {
  cloud: CloudProviders;
  prober: Prober;
}

/** What a function's world is composed from. */
export interface StackContext {
  clock: Clock;
  /** The region of this stack (AWS_REGION). */
  region: string;
  /** The function's environment, for what only this function is given (the API's READER_FUNCTION). */
  env: Record<string, string | undefined>;
}

/**
 * What sets the functions' compositions apart. Each entry point passes its
 * own, so that its bundle carries only the SDK clients it calls (its role
 * allows nothing more): the probe reads Route 53 and probes
 * (src/handlers/probe-providers.ts), the worker uses every cloud port and
 * probes (src/handlers/direct-world.ts), and the API reads through the
 * reader function (src/handlers/api.ts, src/handlers/reader.ts); the probe
 * and the API hand runs to the worker with a Lambda invocation
 * (LambdaRunDispatcher), the worker hands nothing on.
 */
export interface FunctionParts {
  /** The cloud providers and the prober, from the configuration. */
  world: (config: Config, stack: StackContext) => FunctionWorld;
  /** How runs created here reach the runbook worker of this stack (RUNBOOK_FUNCTION) in `region`. */
  dispatcher: (runbookFunction: string, options: { region: string }) => RunDispatcher;
  /** Where this function's decisions are notified (only the probe decides). */
  notifier?: (config: Config, log: Logger) => Notifier | undefined;
  /**
   * A metrics sink for one invocation, for the functions that record (the
   * probe and the worker): only their bundles carry the EMF writer.
   */
  metrics?: (options: { log: Logger; clock: Clock; namespace?: string }) => FlushingMetricsSink;
}

/**
 * Compose the handlers' dependencies for AWS: the configuration packaged
 * with the function (provider: aws), the DynamoDB StateStore on this
 * stack's table, and the world, the dispatcher and the notifier of the
 * function (`parts`).
 */
export async function composeAws(parts: FunctionParts, env: Record<string, string | undefined> = process.env): Promise<HandlerDeps> {
  const { FAILOVER_CONFIG: configPath, STATE_TABLE: table, RUNBOOK_FUNCTION: runbookFunction, AWS_REGION: region } = requireEnvironment(env, AWS_ENVIRONMENT, 'every function');
  const config = await stackConfig(configPath, region);
  const clock = systemClock;
  const log = stackLogger(region);
  // Once per container (composition is on first use), so the warning is in each function's log without repeating per invocation.
  logConfigWarnings(log, config);
  const { store } = createDynamoStateStore({ table, region, ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}) });
  return {
    config,
    region,
    clock,
    store,
    ...parts.world(config, { clock, region, env }),
    log,
    // The application's own runbooks are in the bundle (deploy/esbuild.config.cjs), checked again as at packaging.
    runbooks: await loadRunbookCatalog(config, runbooks),
    dispatcher: parts.dispatcher(runbookFunction, { region }),
    ...withMetrics(parts, { log, clock, ...(env['METRICS_NAMESPACE'] ? { namespace: env['METRICS_NAMESPACE'] } : {}) }),
    ...withNotifier(parts.notifier?.(config, log)),
  };
}

/**
 * A Lambda entry point whose dependencies are composed from the environment
 * (with the function's `parts`) on the first invocation of a container and
 * reused by the next ones (clients keep their connections). Importing the
 * module does nothing, so tests can import the handler factories next to it.
 */
export function awsHandler<E, R>(parts: FunctionParts, create: (deps: HandlerDeps) => Handler<E, R>): Handler<E, R> {
  return composedOnFirstUse(() => composeAws(parts), create);
}

/** CloudWatch Embedded Metric Format on standard output, one sink per invocation, for the functions that record. */
function withMetrics(parts: FunctionParts, options: Parameters<NonNullable<FunctionParts['metrics']>>[0]): Pick<HandlerDeps, 'metrics'> {
  const create = parts.metrics;
  return create ? { metrics: () => create(options) } : {};
}

function withNotifier(notifier: Notifier | undefined): { notifier?: Notifier } {
  return notifier ? { notifier } : {};
}
