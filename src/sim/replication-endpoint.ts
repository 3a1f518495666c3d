import type { Config } from '../config/types.js';
import { databaseId, type SimDatabase } from '../adapters/sim/sim-database.js';
import type { DatabaseRef } from '../ports/database-provider.js';
import type { RegionalEndpoint } from './regional-endpoint.js';

/**
 * Wire the simulated application's replication side to the config: every
 * database learns its engine family, and for every region whose lag source
 * is the heartbeat, that region's endpoint on the URL's port answers the
 * URL's path with the heartbeat as the region's simulated database has it
 * (the contract of src/lag/heartbeat.ts), so the controller reads it over
 * real HTTP as it would the real application's. A region that is down
 * refuses the connection like every other path.
 */
export function attachReplication(config: Config, endpoints: readonly RegionalEndpoint[], database: SimDatabase): void {
  for (const app of config.applications) {
    for (const region of app.regions) {
      if (region.lag?.engineFamily) database.replication.setEngineFamily(databaseId(region.database), region.lag.engineFamily);
      const url = region.lag?.heartbeat?.url;
      if (!url) continue;
      const target = new URL(url);
      const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
      const endpoint = endpoints.find((e) => e.region === region.name && portOf(e) === port);
      endpoint?.serve(target.pathname, () => replicationAnswer(database, region.database));
    }
  }
}

/** `{"heartbeatAt": …, "role": …}`, or 503 while the database does not serve. */
function replicationAnswer(database: SimDatabase, ref: DatabaseRef): { status: number; body: object } {
  const heartbeat = database.heartbeat(ref);
  if (!heartbeat) return { status: 503, body: { status: 'unavailable', reason: 'the database is not available' } };
  return { status: 200, body: { heartbeatAt: new Date(heartbeat.heartbeatAt).toISOString(), role: heartbeat.role } };
}

/** The endpoint's port, or undefined while an ephemeral one is not bound yet. */
function portOf(endpoint: RegionalEndpoint): number | undefined {
  try {
    return endpoint.port;
  } catch {
    return undefined;
  }
}
