import type { Logger } from 'pino';
import { createCloudProviders } from '../adapters/aws/aws-providers.js';
import { readServer } from '../adapters/remote/read-server.js';
import type { ReadRequest, ReadResponse } from '../adapters/remote/read-protocol.js';
import { systemClock } from '../adapters/system-clock.js';
import type { Config } from '../config/types.js';
import type { FunctionWorld } from './compose-aws.js';
import { directWorld } from './direct-world.js';
import type { InvocationContext } from './handler-deps.js';
import { composedOnFirstUse, requireEnvironment, stackConfig, stackLogger } from './stack-environment.js';

/** The environment the reader uses (serverless.yml gives it that of every function; it needs no table and hands nothing on). */
export const READER_ENVIRONMENT = ['FAILOVER_CONFIG', 'AWS_REGION'] as const;

/** What the reader is composed from. */
export interface ReaderDeps {
  config: Config;
  world: FunctionWorld;
  log: Logger;
}

/**
 * The reader function: it reads the world for the API of its stack, which
 * invokes it synchronously (src/adapters/aws/lambda-read-transport.ts) for
 * the active region in DNS and for every observation of a dry-run plan,
 * batched (src/adapters/remote/remote-reads.ts). It has the SDK clients of
 * the cloud ports, the prober and the read permissions; it never changes
 * anything, has no state table and no schedule.
 *
 * Why a function of its own rather than the runbook worker, which has the
 * same clients: the worker is kept to one concurrent execution, and executes
 * runs for up to 15 minutes at a time, so a synchronous read would be
 * throttled exactly while a failover runs, and a read that got through would
 * hold up the dispatch of a new run. BENCHMARKS.md ("Reading the cold-start
 * figures") has the rest.
 */
export function createReaderHandler(deps: ReaderDeps) {
  const serve = readServer(deps.world, deps.config);
  return async (event: ReadRequest, context: InvocationContext): Promise<ReadResponse> => {
    const response = await serve(event);
    const failed = response.results.filter((r) => !r.ok).length;
    deps.log.debug({ fn: 'reader', invocation: context.awsRequestId, reads: event.reads.map((r) => r.op), failed }, 'reads answered');
    return response;
  };
}

/** The reader's world: every cloud port (without SNS), and HTTP probes. */
const readerWorld = directWorld(createCloudProviders);

/** Compose the reader from its environment: the packaged configuration, the cloud ports and the prober. */
export async function composeReader(env: Record<string, string | undefined> = process.env): Promise<ReaderDeps> {
  const { FAILOVER_CONFIG: configPath, AWS_REGION: region } = requireEnvironment(env, READER_ENVIRONMENT, 'every function');
  const config = await stackConfig(configPath, region);
  const clock = systemClock;
  return { config, world: readerWorld(config, { clock, region, env }), log: stackLogger(region) };
}

/** The Lambda entry point (serverless.yml: src/handlers/reader.handler), composed from the environment on first use. */
export const handler = composedOnFirstUse(composeReader, createReaderHandler);
