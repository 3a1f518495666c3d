import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readServer } from '../../../../src/adapters/remote/read-server.js';
import type { ReadCall, ReadResponse } from '../../../../src/adapters/remote/read-protocol.js';
import { createSimProviders, seedSimWorld, type SimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import type { Config } from '../../../../src/config/types.js';
import type { ProbeTarget } from '../../../../src/probes/types.js';
import { ManualClock } from '../../../support/manual-clock.js';

const ROOT = join(import.meta.dirname, '../../../..');

describe('readServer: the reads of another function, on this one’s cloud ports and prober', () => {
  let config: Config;
  let sim: SimProviders;
  const probed: ProbeTarget[][] = [];
  let serve: ReturnType<typeof readServer>;
  const read = async (...reads: unknown[]): Promise<ReadResponse['results']> => (await serve({ source: 'failover-controller', reads: reads as ReadCall[] })).results;

  beforeAll(async () => {
    config = await loadConfig(join(ROOT, 'examples/failover.yaml'));
    sim = createSimProviders({ clock: new ManualClock(Date.UTC(2026, 10, 24)) });
    seedSimWorld(sim, config);
    const prober = { round: async (targets: ProbeTarget[]) => (probed.push(targets), targets.map((t) => ({ url: t.url, ok: true, status: 200, latencyMs: 1, at: 0 }))) };
    serve = readServer({ cloud: sim, prober }, config);
  });

  it('answers every read of a batch, each with its own outcome, and changes nothing', async () => {
    const [primary, standby] = config.applications[0]!.regions as [Config['applications'][0]['regions'][0], Config['applications'][0]['regions'][0]];
    const results = await read(
      { op: 'dns.listRecords', hostedZoneId: primary.dns.hostedZoneId, name: primary.dns.recordName },
      { op: 'database.describe', ref: standby.database },
      { op: 'database.replicaLag', ref: standby.database },
      { op: 'compute.describeGroup', ref: { region: standby.name, groupName: standby.compute.autoScalingGroup } },
      { op: 'prober.round', targets: standby.probes },
      { op: 'database.describe', ref: { ...standby.database, region: 'ap-south-1' } },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, false]);
    expect(results[1]).toMatchObject({ value: { role: 'replica', exists: true } });
    expect(results[3]).toMatchObject({ value: { desiredCapacity: standby.compute.standbyCapacity } });
    expect(probed).toEqual([standby.probes]);
    expect(sim.cloud.calls.every((c) => /^(List|Describe|Get)/.test(c.operation)), sim.cloud.calls.map((c) => c.operation).join(', ')).toBe(true);
  });

  it('reads only what the configuration names: no other zone, database, group or probe target', async () => {
    const before = sim.cloud.calls.length;
    const results = await read(
      { op: 'dns.listRecords', hostedZoneId: 'ZSOMEONEELSE', name: 'x.example.com.' },
      { op: 'database.describe', ref: { engine: 'rds', region: 'us-east-1', instanceId: 'payroll-db' } },
      { op: 'compute.describeGroup', ref: { region: 'us-east-1', groupName: 'payroll-web' } },
      { op: 'prober.round', targets: [{ url: 'http://169.254.169.254/latest/meta-data/', method: 'GET', expectStatus: 200, timeoutMs: 1000 }] },
      { op: 'dns.changeRecords', hostedZoneId: config.applications[0]!.regions[0]!.dns.hostedZoneId },
    );
    expect(results).toEqual([
      { ok: false, error: { name: 'PermanentError', message: "hosted zone ZSOMEONEELSE: not in this stack's configuration; the reader reads only what the configuration names" } },
      { ok: false, error: { name: 'PermanentError', message: "database rds us-east-1/payroll-db: not in this stack's configuration; the reader reads only what the configuration names" } },
      { ok: false, error: { name: 'PermanentError', message: "Auto Scaling group us-east-1/payroll-web: not in this stack's configuration; the reader reads only what the configuration names" } },
      {
        ok: false,
        error: { name: 'PermanentError', message: "probe target GET http://169.254.169.254/latest/meta-data/: not in this stack's configuration; the reader reads only what the configuration names" },
      },
      {
        ok: false,
        error: { name: 'UserInputError', message: 'unknown read "dns.changeRecords" (one of dns.listRecords, database.describe, database.replicaLag, compute.describeGroup, fence.describe, prober.round, prober.heartbeat, traffic.routingControlState, ecs.describeService, cache.describe)' },
      },
    ]);
    expect(sim.cloud.calls.length).toBe(before);
    expect(probed).toHaveLength(1);
  });

  it('probes only configured targets as configured: a known address with the caller’s own timeout or body check is refused', async () => {
    const [target] = config.applications[0]!.regions[0]!.probes as [ProbeTarget];
    const before = probed.length;
    const results = await read(
      { op: 'prober.round', targets: [{ ...target, timeoutMs: 600_000 }] },
      { op: 'prober.round', targets: [{ ...target, bodyMatch: 'anything' }] },
      { op: 'prober.round', targets: [{ ...target, expectStatus: 500 }] },
      { op: 'prober.round', targets: [null] },
    );
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false]);
    expect(results[0]).toMatchObject({ error: { name: 'PermanentError', message: expect.stringContaining(`probe target ${target.method} ${target.url}: not in this stack's configuration`) } });
    expect(probed.length).toBe(before);
    // The exact target, as it travels as JSON (absent fields stay absent), is probed.
    const [ok] = await read({ op: 'prober.round', targets: [JSON.parse(JSON.stringify(target)) as ProbeTarget] });
    expect(ok).toMatchObject({ ok: true });
    expect(probed.at(-1)).toEqual([target]);
  });

  it('reads only configured replication endpoints, with their configured deadline', async () => {
    const withHeartbeat: Config = structuredClone(config);
    const region = withHeartbeat.applications[0]!.regions[1]!;
    region.lag = { source: 'heartbeat', heartbeat: { url: 'http://127.0.0.1:9/replication', timeoutMs: 1500 } };
    const asked: unknown[] = [];
    const heartbeat = async (request: { url: string; timeoutMs: number }) => (asked.push(request), { ok: false as const, url: request.url, reason: 'test' });
    const serveLag = readServer({ cloud: sim, prober: { round: async () => [], heartbeat } }, withHeartbeat);
    const { results } = await serveLag({
      source: 'failover-controller',
      reads: [
        { op: 'prober.heartbeat', url: 'http://169.254.169.254/latest/meta-data/' },
        { op: 'prober.heartbeat', url: 'http://127.0.0.1:9/replication', expectRole: 'replica' },
      ],
    });
    expect(results[0]).toMatchObject({ ok: false, error: { message: expect.stringContaining("replication endpoint http://169.254.169.254/latest/meta-data/: not in this stack's configuration") } });
    expect(results[1]).toEqual({ ok: true, value: { ok: false, url: 'http://127.0.0.1:9/replication', reason: 'test' } });
    expect(asked).toEqual([{ url: 'http://127.0.0.1:9/replication', timeoutMs: 1500, expectRole: 'replica' }]);
  });

  it('refuses an event that is not a read request', async () => {
    await expect(serve({ source: 'aws.events' } as never)).rejects.toThrow('not a read request of the failover-controller');
  });
});

describe('readServer: the step library services of an application\'s own runbooks', () => {
  it('reads the ECS services and global datastores runbooks.resources names, and nothing else of theirs', async () => {
    const config = await loadConfig(join(ROOT, 'examples/user-runbooks/failover.yaml'));
    const app = config.applications[0]!;
    app.runbooks = { ...app.runbooks!, resources: { ecsServices: ['shop/web'], functions: [], automationDocuments: [], globalDatastores: ['ldgr-sessions'] } };
    const sim = createSimProviders({ clock: new ManualClock(Date.UTC(2026, 10, 24)) });
    sim.ecs.seed({ region: 'eu-west-1', cluster: 'shop', service: 'web' }, { desiredCount: 0 });
    sim.ecs.seed({ region: 'eu-west-1', cluster: 'payroll', service: 'web' }, { desiredCount: 3 });
    sim.cache.seed('ldgr-sessions', [
      { replicationGroupId: 'sessions-use1', region: 'us-east-1', role: 'primary' },
      { replicationGroupId: 'sessions-euw1', region: 'eu-west-1', role: 'secondary' },
    ]);
    const serve = readServer({ cloud: sim, prober: { round: async () => [] } }, config);
    const { results } = await serve({
      source: 'failover-controller',
      reads: [
        { op: 'ecs.describeService', ref: { region: 'eu-west-1', cluster: 'shop', service: 'web' } },
        { op: 'cache.describe', ref: { globalReplicationGroupId: 'ldgr-sessions', region: 'eu-west-1' } },
        { op: 'ecs.describeService', ref: { region: 'eu-west-1', cluster: 'payroll', service: 'web' } },
        { op: 'ecs.describeService', ref: { region: 'ap-south-1', cluster: 'shop', service: 'web' } },
      ],
    });
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false]);
    expect(results[0]).toMatchObject({ value: { desiredCount: 0, status: 'ACTIVE' } });
    expect(results[1]).toMatchObject({ value: { members: expect.arrayContaining([expect.objectContaining({ region: 'us-east-1', role: 'primary' })]) } });
    expect(results[2]).toMatchObject({ error: { message: expect.stringContaining("ECS service payroll/web in eu-west-1: not in this stack's configuration") } });
  });
});
