import type { ComputeProvider } from './compute-provider.js';
import type { DatabaseProvider } from './database-provider.js';
import type { DnsProvider } from './dns-provider.js';

/** The cloud, as the runbooks see it: one implementation per provider (aws, sim). */
export interface CloudProviders {
  dns: DnsProvider;
  database: DatabaseProvider;
  compute: ComputeProvider;
}
