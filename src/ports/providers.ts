import type { ComputeProvider } from './compute-provider.js';
import type { DatabaseProvider } from './database-provider.js';
import type { DnsProvider } from './dns-provider.js';
import type { AutomationProvider } from './automation-provider.js';
import type { EcsProvider } from './ecs-provider.js';
import type { FunctionInvoker } from './function-invoker.js';
import type { GlobalCacheProvider } from './global-cache-provider.js';
import type { NetworkFence } from './network-fence.js';
import type { TrafficProviders } from './traffic-switch.js';

/** The cloud, as the runbooks see it: one implementation per provider (aws, sim). */
export interface CloudProviders {
  dns: DnsProvider;
  database: DatabaseProvider;
  compute: ComputeProvider;
  /** The network path to each region's database: how an unplanned promotion fences the old writer. */
  fence: NetworkFence;
  /** The data-plane traffic switches (votes, health checks, alarms, routing controls, authoritative DNS). */
  traffic: TrafficProviders;
  /**
   * The services of the step library beyond databases and Auto Scaling, for
   * user runbooks. Optional: a step that needs one the cloud lacks fails
   * with a clear error.
   */
  ecs?: EcsProvider;
  functions?: FunctionInvoker;
  automation?: AutomationProvider;
  cache?: GlobalCacheProvider;
}
