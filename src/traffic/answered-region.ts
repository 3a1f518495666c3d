import type { AppConfig } from '../config/types.js';
import type { TrafficStore } from '../ports/state-store.js';
import type { TrafficProviders } from '../ports/traffic-switch.js';
import { askNameServers, majorityRegion } from './answer-check.js';

/**
 * The region a majority of the zone's authoritative name servers answer
 * with, for an app whose switch works in the data plane (its records never
 * change, so reading them says nothing). Undefined when it cannot be told:
 * no providers, no name servers known yet (not provisioned), or no majority.
 */
export async function answeredRegion(
  app: AppConfig,
  store: TrafficStore,
  traffic: TrafficProviders | undefined,
): Promise<string | undefined> {
  if (!traffic) return undefined;
  const servers = app.traffic.nameServers ?? (await store.getTrafficSetup(app.name))?.nameServers;
  if (!servers || servers.length === 0) return undefined;
  return majorityRegion(await askNameServers(traffic.authoritativeDns, servers, app));
}
