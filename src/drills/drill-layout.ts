import type { AppConfig } from '../config/types.js';
import { activeRegionOf } from '../dns/desired-records.js';
import type { CloudProviders } from '../ports/providers.js';
import type { TrafficStore } from '../ports/state-store.js';
import { answeredRegion } from '../traffic/answered-region.js';
import type { DrillLayout, DrillLayoutDatabase } from './drill.js';

/**
 * Where the application stands in the real world: the region its DNS
 * record points at and each region's database role, read through the same
 * ports the runbooks use (reads only). Never throws: what cannot be read
 * is said so in `errors`, and an operator reads it there.
 */
export async function readLayout(app: AppConfig, cloud: CloudProviders, now: number, store?: TrafficStore): Promise<DrillLayout> {
  const errors: string[] = [];
  const { hostedZoneId, recordName } = app.regions[0]!.dns;
  // A data-plane switch's records never change: its region is what the authoritative servers answer.
  const dnsRead = app.traffic.mode !== 'records' && store ? answeredRegion(app, store, cloud.traffic) : cloud.dns.listRecords(hostedZoneId, recordName).then((records) => activeRegionOf(app.regions, records));
  const [dnsRegion, databases] = await Promise.all([
    dnsRead.then(
      (region) => region,
      (err: unknown) => {
        errors.push(`DNS record ${recordName} not read: ${message(err)}`);
        return undefined;
      },
    ),
    Promise.all(
      app.regions.map(async (region): Promise<DrillLayoutDatabase> => {
        try {
          const db = await cloud.database.describe(region.database);
          if (!db.exists) return { region: region.name, role: 'absent' };
          return { region: region.name, role: db.role, status: db.status, ...(db.replicaOf ? { replicaOf: db.replicaOf } : {}) };
        } catch (err) {
          errors.push(`database of ${region.name} not read: ${message(err)}`);
          return { region: region.name, role: 'unknown' };
        }
      }),
    ),
  ]);
  return { at: now, ...(dnsRegion ? { dnsRegion } : {}), databases, ...(errors.length > 0 ? { errors } : {}) };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
