import type { Config } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { CloudProviders } from '../ports/providers.js';
import { HttpProber } from '../probes/http-prober.js';
import type { FunctionWorld, StackContext } from './compose-aws.js';

/**
 * The world of a function that calls the cloud and probes the applications
 * itself (the probe, the runbook worker, the reader): `cloud` from the
 * configuration, and HTTP probes on undici. Kept out of compose-aws.ts so
 * that the API, which reads through the reader, carries no undici.
 */
export function directWorld(cloud: (config: Config, options: { clock: Clock }) => CloudProviders): (config: Config, stack: StackContext) => FunctionWorld {
  return (config, { clock }) => ({ cloud: cloud(config, { clock }), prober: new HttpProber({ clock, concurrency: config.probeConcurrency }) });
}
