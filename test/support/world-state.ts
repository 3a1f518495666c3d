import type { Harness } from './harness.js';

/** The parts of the simulated world a failover changes, read through the same ports the runbooks use. */
export async function worldLayout(h: Harness) {
  const app = h.config.applications[0]!;
  const { dns, database, compute } = h.world.providers;
  const primaryDns = app.regions[0]!.dns;
  const records = await dns.listRecords(primaryDns.hostedZoneId, primaryDns.recordName);
  const cname = records.find((r) => r.type === primaryDns.type);
  const regions: Record<string, { db: string; replicaOf?: string; desired: number; inService: number } | 'unreachable'> = {};
  for (const region of app.regions) {
    if (!h.world.providers.cloud.regionAvailable(region.name)) {
      regions[region.name] = 'unreachable';
      continue;
    }
    const db = await database.describe(region.database);
    const group = await compute.describeGroup({ region: region.name, groupName: region.compute.autoScalingGroup });
    regions[region.name] = {
      db: db.exists ? `${db.role}:${db.status}` : 'absent',
      ...(db.replicaOf ? { replicaOf: db.replicaOf } : {}),
      desired: group.desiredCapacity,
      inService: group.instances.filter((i) => i.lifecycleState === 'InService').length,
    };
  }
  const dnsRegion = app.regions.find((r) => r.dns.value !== undefined && cname?.values.includes(r.dns.value))?.name;
  return { dnsRegion, regions };
}

/** The runs of the harness's application, oldest first. */
export async function runsOldestFirst(h: Harness) {
  return (await h.store.listRuns({ limit: 100 })).reverse();
}
