import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';
import { readPackagedConfig } from '../config/packaged-config.js';
import type { Config } from '../config/types.js';
import { createLogger } from '../logging/logger.js';
import type { InvocationContext } from './handler-deps.js';

// What every function reads from its Lambda environment, without composing
// anything: kept apart from compose-aws.ts (the state table's DynamoDB
// client) so that the reader function, which has no table, does without it.

/** A Lambda handler of the project. */
export type Handler<E, R> = (event: E, context: InvocationContext) => Promise<R>;

/**
 * The variables `names` of `env`, or an error naming every missing one and
 * who sets them (`setFor`: "every function", "the api function").
 */
export function requireEnvironment<N extends string>(env: Record<string, string | undefined>, names: readonly N[], setFor: string): Record<N, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')} (serverless.yml sets them for ${setFor})`);
  return Object.fromEntries(names.map((name) => [name, env[name]!])) as Record<N, string>;
}

/**
 * The configuration packaged with the function (FAILOVER_CONFIG), refused
 * unless it is for AWS and names this stack's region; every regional stack
 * probes every region, and its own region is its vantage point.
 */
export async function stackConfig(configPath: string, region: string): Promise<Config> {
  const { config: loaded, source } = await readPackagedConfig(configPath);
  if (loaded.provider !== 'aws') throw new ConfigError(source, [{ path: 'provider', message: `must be aws on AWS Lambda, got ${loaded.provider}` }]);
  const regions = new Set(loaded.applications.flatMap((app) => app.regions.map((r) => r.name)));
  if (!regions.has(region)) {
    throw new ConfigError(source, [{ path: 'applications', message: `no application has a region ${region}, where this stack runs (${[...regions].join(', ')})` }]);
  }
  return { ...loaded, vantage: region };
}

/** The functions' logger: JSON lines, with the stack's region. */
export function stackLogger(region: string): Logger {
  return createLogger({ pretty: false }).child({ region });
}

/** A handler built by `create` from what `compose` makes on the first invocation; a failed composition is tried again by the next. */
export function composedOnFirstUse<D, E, R>(compose: () => Promise<D>, create: (deps: D) => Handler<E, R>): Handler<E, R> {
  let composed: Promise<Handler<E, R>> | undefined;
  return async (event, context) => {
    composed ??= compose()
      .then(create)
      .catch((err: unknown) => {
        composed = undefined;
        throw err;
      });
    return (await composed)(event, context);
  };
}
