import { beforeEach, describe, expect, it } from 'vitest';
import type { SimCall } from '../../../../src/adapters/sim/sim-cloud.js';
import { databaseId } from '../../../../src/adapters/sim/sim-database.js';
import { createSimProviders, seedSimWorld, type SimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { ownerRecordName, ownerValue } from '../../../../src/dns/record-switch.js';
import { ConflictError, PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import { serving } from '../../../../src/ports/compute-provider.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import type { DnsRecordSet } from '../../../../src/ports/dns-provider.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const DELAYS = { promoteMs: 5_000, replicaCreateMs: 6_000, instanceBootMs: 3_000, dnsPropagationMs: 2_000 };

let t = T0;
const clock: Clock = { now: () => t, sleep: async () => {} };

/** Returns the given values in turn, then fails loudly if asked for more. */
function sequence(values: number[]): () => number {
  let i = 0;
  return () => {
    const value = values[i++];
    if (value === undefined) throw new Error('random() called more often than expected');
    return value;
  };
}

function providers(random?: () => number, sink?: (call: SimCall) => void): SimProviders {
  return createSimProviders({ clock, delays: DELAYS, ...(random ? { random } : {}), ...(sink ? { sink } : {}) });
}

const rds = (region: string, instanceId: string): DatabaseRef => ({ engine: 'rds', region, instanceId });
const aurora = (region: string, clusterId: string): DatabaseRef => ({ engine: 'aurora-global', region, globalClusterId: 'shop-global', clusterId });

const WRITER = rds('us-east-1', 'shop-db-use1');
const REPLICA = rds('eu-west-1', 'shop-db-euw1');

beforeEach(() => {
  t = T0;
});

describe('SimDatabase', () => {
  let sim: SimProviders;
  beforeEach(() => {
    sim = providers();
    sim.database.seed(WRITER, 'writer');
    sim.database.seed(REPLICA, 'replica', WRITER);
  });

  it('describes a seeded writer and replica', async () => {
    expect(await sim.database.describe(WRITER)).toEqual({ ref: WRITER, exists: true, role: 'writer', status: 'available' });
    expect(await sim.database.describe(REPLICA)).toEqual({ ref: REPLICA, exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available' });
  });

  it('describes a database that does not exist as not existing, without throwing', async () => {
    const ghost = rds('eu-west-1', 'ghost');
    expect(await sim.database.describe(ghost)).toEqual({ ref: ghost, exists: false, role: 'replica', status: 'unavailable' });
  });

  it('promoting a replica: modifying at once, an available writer with no replicaOf after promoteMs', async () => {
    await sim.database.promote(REPLICA, 'unplanned');
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'replica', status: 'modifying' });
    t += DELAYS.promoteMs - 1;
    expect((await sim.database.describe(REPLICA)).status).toBe('modifying');
    t += 1;
    const promoted = await sim.database.describe(REPLICA);
    expect(promoted).toEqual({ ref: REPLICA, exists: true, role: 'writer', status: 'available' });
    expect('replicaOf' in promoted).toBe(false);
    // RDS leaves the old writer a standalone writer.
    expect(await sim.database.describe(WRITER)).toMatchObject({ role: 'writer', status: 'available' });
    expect(sim.cloud.succeeded('PromoteReadReplica')).toHaveLength(1);
  });

  it('a promoted replica cannot be promoted again: it is no longer a replica', async () => {
    await sim.database.promote(REPLICA, 'unplanned');
    t += DELAYS.promoteMs;
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(PermanentError);
  });

  it('refuses to promote a writer, with a PermanentError naming it', async () => {
    const attempt = sim.database.promote(WRITER, 'unplanned');
    await expect(attempt).rejects.toThrow(PermanentError);
    await expect(sim.database.promote(WRITER, 'unplanned')).rejects.toThrow('shop-db-use1 is not a read replica');
    expect(await sim.database.describe(WRITER)).toMatchObject({ role: 'writer', status: 'available' });
  });

  it('refuses to promote a replica whose promotion is still in progress', async () => {
    await sim.database.promote(REPLICA, 'unplanned');
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(/is modifying/);
  });

  it('refuses to promote a database that does not exist', async () => {
    await expect(sim.database.promote(rds('eu-west-1', 'ghost'), 'unplanned')).rejects.toThrow(PermanentError);
  });

  it('an unplanned promotion works while the writer\'s region is down', async () => {
    sim.cloud.setRegionAvailable('us-east-1', false);
    await sim.database.promote(REPLICA, 'unplanned');
    t += DELAYS.promoteMs;
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'writer', status: 'available' });
  });

  it('a planned promotion needs the writer\'s region reachable', async () => {
    sim.cloud.setRegionAvailable('us-east-1', false);
    await expect(sim.database.promote(REPLICA, 'planned')).rejects.toThrow(PermanentError);
    await expect(sim.database.promote(REPLICA, 'planned')).rejects.toThrow(/unreachable/);
    expect((await sim.database.describe(REPLICA)).role).toBe('replica');
    sim.cloud.setRegionAvailable('us-east-1', true);
    await sim.database.promote(REPLICA, 'planned');
    t += DELAYS.promoteMs;
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'writer', status: 'available' });
  });

  it('names the AWS operation of each engine and mode: an unplanned Aurora promotion asks the old primary first, and fails over when it does not answer', async () => {
    const a = providers();
    const writer = aurora('us-east-1', 'shop-use1');
    const secondary = aurora('eu-west-1', 'shop-euw1');
    a.database.seed(writer, 'writer');
    a.database.seed(secondary, 'replica', writer);
    await a.database.describe(writer);
    a.cloud.setRegionAvailable('us-east-1', false);
    expect(await a.database.promote(secondary, 'unplanned')).toMatchObject({ method: 'failover' });
    expect(a.cloud.calls.map((c) => [c.operation, c.outcome])).toEqual([
      ['DescribeDBClusters', 'ok'],
      ['DescribeDBClusters', 'error'],
      ['FailoverGlobalCluster', 'ok'],
    ]);
    expect((await a.database.describe(secondary)).status).toBe('promoting');
  });

  it('an unplanned Aurora promotion while the old primary answers is a switchover: no data loss', async () => {
    const a = providers();
    const writer = aurora('us-east-1', 'shop-use1');
    const secondary = aurora('eu-west-1', 'shop-euw1');
    a.database.seed(writer, 'writer');
    a.database.seed(secondary, 'replica', writer);
    expect(await a.database.promote(secondary, 'unplanned')).toEqual({ method: 'switchover' });
    expect(a.cloud.calls.map((c) => [c.operation, c.region])).toEqual([
      ['DescribeDBClusters', 'us-east-1'],
      ['SwitchoverGlobalCluster', 'us-east-1'],
    ]);
    t += DELAYS.promoteMs;
    expect(await a.database.describe(writer)).toMatchObject({ role: 'replica', replicaOf: 'eu-west-1' });
  });

  it('an Aurora global planned switchover turns the old writer into a replica of the new one', async () => {
    const a = providers();
    const writer = aurora('us-east-1', 'shop-use1');
    const secondary = aurora('eu-west-1', 'shop-euw1');
    a.database.seed(writer, 'writer');
    a.database.seed(secondary, 'replica', writer);
    await a.database.promote(secondary, 'planned');
    expect(a.cloud.succeeded('SwitchoverGlobalCluster')).toHaveLength(1);
    expect((await a.database.describe(secondary)).status).toBe('promoting');
    expect((await a.database.describe(writer)).status).toBe('modifying');
    t += DELAYS.promoteMs;
    expect(await a.database.describe(secondary)).toEqual({ ref: secondary, exists: true, role: 'writer', status: 'available' });
    expect(await a.database.describe(writer)).toEqual({ ref: writer, exists: true, role: 'replica', replicaOf: 'eu-west-1', status: 'available' });
    // The old writer now replicates, with a known lag.
    expect(await a.database.replicaLag(writer)).toMatchObject({ seconds: 0, worstRecentSeconds: 0, metric: 'ReplicaLag' });
  });

  it('an Aurora failover leaves the old writer alone while its region is down; once back, Aurora snapshots its volume and rebuilds it as a secondary', async () => {
    const a = providers();
    const writer = aurora('us-east-1', 'shop-use1');
    const secondary = aurora('eu-west-1', 'shop-euw1');
    a.database.seed(writer, 'writer');
    a.database.seed(secondary, 'replica', writer);
    a.cloud.setRegionAvailable('us-east-1', false);
    await a.database.promote(secondary, 'unplanned');
    t += DELAYS.promoteMs;
    expect((await a.database.describe(secondary)).role).toBe('writer');
    expect(a.database.inspect(writer)?.role).toBe('writer');
    a.cloud.setRegionAvailable('us-east-1', true);
    expect(await a.database.describe(writer)).toMatchObject({ role: 'replica', replicaOf: 'eu-west-1', status: 'modifying' });
    expect(await a.database.listLostWrites(writer)).toEqual([{ id: expect.stringMatching(/^rds:unplanned-global-failover-shop-use1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/) }]);
  });

  it('createReplica refuses an identifier that exists', async () => {
    await expect(sim.database.createReplica(REPLICA, WRITER)).rejects.toThrow(PermanentError);
    await expect(sim.database.createReplica(REPLICA, WRITER)).rejects.toThrow('DBInstanceAlreadyExists: shop-db-euw1');
  });

  it('createReplica creates a replica that is creating, then available after replicaCreateMs', async () => {
    const third = rds('ap-south-1', 'shop-db-aps1');
    await sim.database.createReplica(third, WRITER);
    expect(await sim.database.describe(third)).toEqual({ ref: third, exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'creating' });
    expect(await sim.database.replicaLag(third)).toBeUndefined();
    t += DELAYS.replicaCreateMs - 1;
    expect((await sim.database.describe(third)).status).toBe('creating');
    t += 1;
    expect(await sim.database.describe(third)).toEqual({ ref: third, exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available' });
    expect(await sim.database.replicaLag(third)).toMatchObject({ seconds: 0, worstRecentSeconds: 0 });
  });

  it('createReplica refuses a source that is not a writer, or whose region is down', async () => {
    const third = rds('ap-south-1', 'shop-db-aps1');
    await expect(sim.database.createReplica(third, REPLICA)).rejects.toThrow(PermanentError);
    sim.cloud.setRegionAvailable('us-east-1', false);
    await expect(sim.database.createReplica(third, WRITER)).rejects.toThrow(/unreachable/);
    expect((await sim.database.describe(third)).exists).toBe(false);
  });

  it('retire renames a database aside and frees its identifier for a new replica', async () => {
    // After a failover: eu-west-1 is the writer, us-east-1 a stale writer to set aside.
    await sim.database.promote(REPLICA, 'unplanned');
    t += DELAYS.promoteMs;
    const newId = await sim.database.retire(WRITER, 'stale-20260301');
    expect(newId).toBe('shop-db-use1-stale-20260301');
    expect(sim.database.ids()).toEqual(['shop-db-euw1', 'shop-db-use1-stale-20260301']);
    expect((await sim.database.describe(WRITER)).exists).toBe(false);
    expect(await sim.database.describe(rds('us-east-1', newId))).toMatchObject({ exists: true, role: 'writer', status: 'available' });
    await sim.database.createReplica(WRITER, REPLICA);
    t += DELAYS.replicaCreateMs;
    expect(await sim.database.describe(WRITER)).toEqual({ ref: WRITER, exists: true, role: 'replica', replicaOf: 'eu-west-1', status: 'available' });
  });

  it('retire keeps identifiers within 63 characters and refuses to overwrite', async () => {
    const id = await sim.database.retire(WRITER, 'x'.repeat(80));
    expect(id).toHaveLength(63);
    expect(id.startsWith('shop-db-use1-')).toBe(true);
    sim.database.seed(WRITER, 'writer');
    await expect(sim.database.retire(WRITER, 'x'.repeat(80))).rejects.toThrow(PermanentError);
    expect(sim.database.ids()).toContain('shop-db-use1');
  });

  it('replicas of a retired writer follow it under its new name', async () => {
    await sim.database.retire(WRITER, 'old');
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'replica', replicaOf: 'us-east-1' });
    expect(await sim.database.replicaLag(REPLICA)).toMatchObject({ seconds: 0, worstRecentSeconds: 0 });
  });

  it('retire of a database that does not exist is a PermanentError', async () => {
    await expect(sim.database.retire(rds('us-east-1', 'ghost'), 'old')).rejects.toThrow(PermanentError);
  });

  it('replicaLag has a fresh lag for a replica with a reachable writer, -1 datapoints while the writer\'s region is down, and is undefined for a writer', async () => {
    const fresh = await sim.database.replicaLag(REPLICA);
    expect(fresh).toMatchObject({ seconds: 0, at: Math.floor(T0 / 1000) * 1000, worstRecentSeconds: 0, periodSeconds: 1, metric: 'ReplicaLag' });
    // Ten minutes of one-second datapoints, the current one included.
    expect(fresh?.points).toHaveLength(601);
    sim.cloud.setRegionAvailable('us-east-1', false);
    t += 30_000;
    // The replica goes on publishing: -1 (replication not running) once its writer is unreachable; the datapoints before stay.
    const during = await sim.database.replicaLag(REPLICA);
    expect(during?.seconds).toBeUndefined();
    expect(during?.points.filter((p) => p.at >= T0 + 1_000).every((p) => p.seconds === -1)).toBe(true);
    expect(during?.points.filter((p) => p.at < T0 - 1_000).every((p) => p.seconds === 0)).toBe(true);
    sim.cloud.setRegionAvailable('us-east-1', true);
    t += 1_000;
    sim.database.setReplicationLag(4);
    sim.database.setReplicationLag(2);
    // Without a time, as if it had always been so.
    expect(await sim.database.replicaLag(REPLICA)).toMatchObject({ seconds: 2, worstRecentSeconds: 2 });
    expect(await sim.database.replicaLag(WRITER)).toBeUndefined();
    expect(await sim.database.replicaLag(rds('eu-west-1', 'ghost'))).toBeUndefined();
  });

  it('replicaLag is unknown while a promotion is in progress', async () => {
    await sim.database.promote(REPLICA, 'unplanned');
    expect(await sim.database.replicaLag(REPLICA)).toBeUndefined();
  });

  it('databaseId is the instance id for RDS and the cluster id for Aurora', () => {
    expect(databaseId(WRITER)).toBe('shop-db-use1');
    expect(databaseId(aurora('us-east-1', 'shop-use1'))).toBe('shop-use1');
  });
});

describe('SimCompute', () => {
  const GROUP = { region: 'eu-west-1', groupName: 'shop-web-euw1' };
  let sim: SimProviders;
  beforeEach(() => {
    sim = providers();
    sim.compute.seed(GROUP, 1, 4);
  });

  it('seeds a group whose instances are already InService', async () => {
    const group = await sim.compute.describeGroup(GROUP);
    expect(group).toMatchObject({ ref: GROUP, minSize: 1, maxSize: 4, desiredCapacity: 1 });
    expect(group.instances).toHaveLength(1);
    expect(group.instances[0]).toMatchObject({ lifecycleState: 'InService', healthStatus: 'Healthy' });
    expect(serving(group)).toBe(1);
  });

  it('setCapacity launches Pending instances that become InService after instanceBootMs', async () => {
    await sim.compute.setCapacity(GROUP, 3);
    const launching = await sim.compute.describeGroup(GROUP);
    expect(launching.desiredCapacity).toBe(3);
    expect(launching.instances.map((i) => i.lifecycleState)).toEqual(['InService', 'Pending', 'Pending']);
    expect(serving(launching)).toBe(1);
    expect(new Set(launching.instances.map((i) => i.id)).size).toBe(3);
    t += DELAYS.instanceBootMs - 1;
    expect(serving(await sim.compute.describeGroup(GROUP))).toBe(1);
    t += 1;
    const booted = await sim.compute.describeGroup(GROUP);
    expect(booted.instances.map((i) => i.lifecycleState)).toEqual(['InService', 'InService', 'InService']);
    expect(booted.instances.map((i) => i.id)).toEqual(launching.instances.map((i) => i.id));
  });

  it('raises MaxSize when the desired capacity is above it', async () => {
    await sim.compute.setCapacity(GROUP, 10);
    const group = await sim.compute.describeGroup(GROUP);
    expect(group).toMatchObject({ minSize: 1, maxSize: 10, desiredCapacity: 10 });
    expect(group.instances).toHaveLength(10);
  });

  it('scaling down to zero lowers MinSize and removes every instance; MinSize stays down', async () => {
    await sim.compute.setCapacity(GROUP, 4);
    await sim.compute.setCapacity(GROUP, 0);
    expect(await sim.compute.describeGroup(GROUP)).toMatchObject({ minSize: 0, maxSize: 4, desiredCapacity: 0, instances: [] });
    await sim.compute.setCapacity(GROUP, 2);
    expect(await sim.compute.describeGroup(GROUP)).toMatchObject({ minSize: 0, maxSize: 4, desiredCapacity: 2 });
  });

  it('scaling down keeps the oldest instances', async () => {
    await sim.compute.setCapacity(GROUP, 3);
    const ids = (await sim.compute.describeGroup(GROUP)).instances.map((i) => i.id);
    await sim.compute.setCapacity(GROUP, 1);
    const group = await sim.compute.describeGroup(GROUP);
    expect(group.instances.map((i) => i.id)).toEqual([ids[0]]);
    expect(group.minSize).toBe(1);
  });

  it('an unknown group, or a known group in another region, is a PermanentError', async () => {
    await expect(sim.compute.describeGroup({ region: 'eu-west-1', groupName: 'nope' })).rejects.toThrow(PermanentError);
    await expect(sim.compute.setCapacity({ region: 'eu-west-1', groupName: 'nope' }, 2)).rejects.toThrow(PermanentError);
    await expect(sim.compute.describeGroup({ region: 'us-east-1', groupName: GROUP.groupName })).rejects.toThrow(PermanentError);
  });

  it('logs DescribeAutoScalingGroups and UpdateAutoScalingGroup', async () => {
    await sim.compute.setCapacity(GROUP, 2);
    await sim.compute.describeGroup(GROUP);
    expect(sim.cloud.calls.map((c) => [c.service, c.operation, c.region, c.target])).toEqual([
      ['autoscaling', 'UpdateAutoScalingGroup', 'eu-west-1', 'shop-web-euw1'],
      ['autoscaling', 'DescribeAutoScalingGroups', 'eu-west-1', 'shop-web-euw1'],
    ]);
  });
});

describe('SimDns', () => {
  const ZONE = 'Z0TEST';
  const NAME = 'shop.example.com.';
  const use1: DnsRecordSet = { name: NAME, type: 'CNAME', ttl: 60, values: ['shop-use1.example.com'] };
  const euw1: DnsRecordSet = { name: NAME, type: 'CNAME', ttl: 60, values: ['shop-euw1.example.com'] };
  let sim: SimProviders;
  beforeEach(() => {
    sim = providers();
    sim.dns.seed(ZONE, [use1, { name: 'other.example.com.', type: 'A', ttl: 60, values: ['192.0.2.1'] }]);
  });

  it('lists the records with exactly the name asked for', async () => {
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([use1]);
    expect(await sim.dns.listRecords(ZONE, 'nothing.example.com.')).toEqual([]);
  });

  it('returns copies: changing a listed record does not change the zone', async () => {
    const [listed] = await sim.dns.listRecords(ZONE, NAME);
    listed!.values[0] = 'tampered.example.com';
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([use1]);
  });

  it('applies a DELETE-exact + CREATE batch', async () => {
    const result = await sim.dns.changeRecords(ZONE, [{ action: 'DELETE', record: use1 }, { action: 'CREATE', record: euw1 }], 'failover');
    expect(result.status).toBe('PENDING');
    expect(result.changeId).toMatch(/^\/change\/C\d+$/);
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([euw1]);
  });

  it('a batch is atomic: a good CREATE with a bad DELETE changes nothing and throws ConflictError', async () => {
    const www: DnsRecordSet = { name: 'www.example.com.', type: 'CNAME', ttl: 60, values: ['shop.example.com'] };
    const attempt = sim.dns.changeRecords(
      ZONE,
      [
        { action: 'CREATE', record: www },
        { action: 'DELETE', record: { ...use1, values: ['somebody-else.example.com'] } },
      ],
      'failover',
    );
    await expect(attempt).rejects.toThrow(ConflictError);
    expect(await sim.dns.listRecords(ZONE, 'www.example.com.')).toEqual([]);
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([use1]);
  });

  it('a DELETE of a record whose values differ is a ConflictError', async () => {
    await expect(sim.dns.changeRecords(ZONE, [{ action: 'DELETE', record: euw1 }], 'x')).rejects.toThrow(ConflictError);
    await expect(sim.dns.changeRecords(ZONE, [{ action: 'DELETE', record: euw1 }], 'x')).rejects.toThrow(/values provided do not match/);
    await expect(sim.dns.changeRecords(ZONE, [{ action: 'DELETE', record: { ...use1, ttl: 300 } }], 'x')).rejects.toThrow(ConflictError);
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([use1]);
  });

  it('a DELETE of a record that does not exist is a ConflictError', async () => {
    await expect(sim.dns.changeRecords(ZONE, [{ action: 'DELETE', record: { ...use1, name: 'gone.example.com.' } }], 'x')).rejects.toThrow(ConflictError);
  });

  it('a CREATE of a record that exists is a ConflictError', async () => {
    await expect(sim.dns.changeRecords(ZONE, [{ action: 'CREATE', record: euw1 }], 'x')).rejects.toThrow(ConflictError);
    await expect(sim.dns.changeRecords(ZONE, [{ action: 'CREATE', record: euw1 }], 'x')).rejects.toThrow(/already exists/);
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([use1]);
  });

  it('two controllers switching from the same read: the first wins, the second conflicts', async () => {
    const read = await sim.dns.listRecords(ZONE, NAME);
    const first = [{ action: 'DELETE' as const, record: read[0]! }, { action: 'CREATE' as const, record: euw1 }];
    const second = [{ action: 'DELETE' as const, record: read[0]! }, { action: 'CREATE' as const, record: { ...euw1, values: ['shop-aps1.example.com'] } }];
    await sim.dns.changeRecords(ZONE, first, 'a');
    await expect(sim.dns.changeRecords(ZONE, second, 'b')).rejects.toThrow(ConflictError);
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([euw1]);
  });

  it('UPSERT replaces or creates', async () => {
    await sim.dns.changeRecords(ZONE, [{ action: 'UPSERT', record: euw1 }], 'x');
    expect(await sim.dns.listRecords(ZONE, NAME)).toEqual([euw1]);
  });

  it('a change is PENDING, then INSYNC after dnsPropagationMs', async () => {
    const { changeId } = await sim.dns.changeRecords(ZONE, [{ action: 'UPSERT', record: euw1 }], 'x');
    expect(await sim.dns.getChange(changeId)).toBe('PENDING');
    t += DELAYS.dnsPropagationMs - 1;
    expect(await sim.dns.getChange(changeId)).toBe('PENDING');
    t += 1;
    expect(await sim.dns.getChange(changeId)).toBe('INSYNC');
  });

  it('every change gets its own id', async () => {
    const a = await sim.dns.changeRecords(ZONE, [{ action: 'UPSERT', record: euw1 }], 'x');
    const b = await sim.dns.changeRecords(ZONE, [{ action: 'UPSERT', record: use1 }], 'y');
    expect(a.changeId).not.toBe(b.changeId);
  });

  it('an unknown zone or change id is a PermanentError', async () => {
    await expect(sim.dns.listRecords('ZNOPE', NAME)).rejects.toThrow(PermanentError);
    await expect(sim.dns.listRecords('ZNOPE', NAME)).rejects.toThrow(/NoSuchHostedZone/);
    await expect(sim.dns.changeRecords('ZNOPE', [{ action: 'CREATE', record: euw1 }], 'x')).rejects.toThrow(PermanentError);
    await expect(sim.dns.getChange('/change/CNOPE')).rejects.toThrow(PermanentError);
  });
});

describe('SimCloud', () => {
  const GROUP_E = { region: 'us-east-1', groupName: 'web-use1' };
  const GROUP_W = { region: 'eu-west-1', groupName: 'web-euw1' };

  function world(random?: () => number, sink?: (call: SimCall) => void): SimProviders {
    const sim = providers(random, sink);
    sim.compute.seed(GROUP_E, 2, 4);
    sim.compute.seed(GROUP_W, 1, 4);
    sim.database.seed(WRITER, 'writer');
    sim.database.seed(REPLICA, 'replica', WRITER);
    sim.dns.seed('Z0TEST', []);
    return sim;
  }

  it('a region that is down answers every call with a TransientError; other regions answer', async () => {
    const sim = world();
    expect(sim.cloud.regionAvailable('us-east-1')).toBe(true);
    sim.cloud.setRegionAvailable('us-east-1', false);
    expect(sim.cloud.regionAvailable('us-east-1')).toBe(false);
    await expect(sim.compute.describeGroup(GROUP_E)).rejects.toThrow(TransientError);
    await expect(sim.database.describe(WRITER)).rejects.toThrow(TransientError);
    await expect(sim.database.describe(WRITER)).rejects.toThrow(/us-east-1 is not answering/);
    await expect(sim.compute.describeGroup(GROUP_W)).resolves.toMatchObject({ desiredCapacity: 1 });
    await expect(sim.database.describe(REPLICA)).resolves.toMatchObject({ role: 'replica' });
    // Route 53 is global: its calls carry no region and keep answering.
    await expect(sim.dns.listRecords('Z0TEST', 'x.example.com.')).resolves.toEqual([]);
    sim.cloud.setRegionAvailable('us-east-1', true);
    await expect(sim.compute.describeGroup(GROUP_E)).resolves.toMatchObject({ desiredCapacity: 2 });
  });

  it('a mutation refused by an outage changes nothing', async () => {
    const sim = world();
    sim.cloud.setRegionAvailable('us-east-1', false);
    await expect(sim.compute.setCapacity(GROUP_E, 4)).rejects.toThrow(TransientError);
    sim.cloud.setRegionAvailable('us-east-1', true);
    expect((await sim.compute.describeGroup(GROUP_E)).desiredCapacity).toBe(2);
  });

  it('injects transient and permanent faults into the named operation only', async () => {
    const sim = world();
    sim.cloud.injectFault({ operation: 'UpdateAutoScalingGroup', kind: 'transient' });
    sim.cloud.injectFault({ operation: 'PromoteReadReplica', kind: 'permanent' });
    await expect(sim.compute.setCapacity(GROUP_W, 4)).rejects.toThrow(TransientError);
    await expect(sim.compute.setCapacity(GROUP_W, 4)).rejects.toThrow(/Throttling/);
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(PermanentError);
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(/AccessDenied/);
    await expect(sim.compute.describeGroup(GROUP_W)).resolves.toMatchObject({ desiredCapacity: 1 });
    expect((await sim.database.describe(REPLICA)).role).toBe('replica');
  });

  it('a fault with `times` fails that many matching calls, then stops', async () => {
    const sim = world();
    sim.cloud.injectFault({ operation: 'UpdateAutoScalingGroup', kind: 'transient', times: 2 });
    await expect(sim.compute.setCapacity(GROUP_W, 4)).rejects.toThrow(TransientError);
    // A non-matching call does not use up the fault.
    await sim.compute.describeGroup(GROUP_W);
    await expect(sim.compute.setCapacity(GROUP_W, 4)).rejects.toThrow(TransientError);
    await sim.compute.setCapacity(GROUP_W, 4);
    expect((await sim.compute.describeGroup(GROUP_W)).desiredCapacity).toBe(4);
  });

  it('a fault with a probability fails a call when random() is below it', async () => {
    const sim = world(sequence([0.1, 0.9, 0.49, 0.5]));
    sim.cloud.injectFault({ operation: 'DescribeAutoScalingGroups', kind: 'transient', probability: 0.5 });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await sim.compute.describeGroup(GROUP_W).then(
          () => 'ok',
          (err: unknown) => (err instanceof TransientError ? 'transient' : 'other'),
        ),
      );
    }
    expect(outcomes).toEqual(['transient', 'ok', 'transient', 'ok']);
  });

  it('a fault with a region fails only calls for that region', async () => {
    const sim = world();
    sim.cloud.injectFault({ operation: '*', kind: 'permanent', region: 'eu-west-1' });
    await expect(sim.compute.describeGroup(GROUP_W)).rejects.toThrow(PermanentError);
    await expect(sim.database.describe(REPLICA)).rejects.toThrow(PermanentError);
    await expect(sim.compute.describeGroup(GROUP_E)).resolves.toBeDefined();
    await expect(sim.database.describe(WRITER)).resolves.toBeDefined();
  });

  it("'*' matches every operation; clearFault removes one rule or all", async () => {
    const sim = world();
    const all = sim.cloud.injectFault({ operation: '*', kind: 'transient' });
    const promote = sim.cloud.injectFault({ operation: 'PromoteReadReplica', kind: 'permanent' });
    expect(all).not.toBe(promote);
    await expect(sim.dns.listRecords('Z0TEST', 'x.example.com.')).rejects.toThrow(TransientError);
    sim.cloud.clearFault(all);
    await expect(sim.dns.listRecords('Z0TEST', 'x.example.com.')).resolves.toEqual([]);
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(PermanentError);
    sim.cloud.clearFault(all); // clearing an id twice removes nothing else
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(PermanentError);
    sim.cloud.injectFault({ operation: 'GetMetricData', kind: 'transient' });
    sim.cloud.clearFault();
    await sim.database.promote(REPLICA, 'unplanned');
    await sim.database.replicaLag(REPLICA);
  });

  it('logs every call in order with operation, region, target, outcome and error', async () => {
    const sunk: SimCall[] = [];
    const sim = world(undefined, (c) => sunk.push(c));
    await sim.database.describe(REPLICA);
    t += 100;
    await expect(sim.database.promote(WRITER, 'unplanned')).rejects.toThrow();
    t += 100;
    await sim.database.promote(REPLICA, 'unplanned');
    await sim.dns.listRecords('Z0TEST', 'shop.example.com.');
    expect(sim.cloud.calls).toEqual([
      { seq: 1, at: T0, service: 'rds', operation: 'DescribeDBInstances', region: 'eu-west-1', target: 'shop-db-euw1', outcome: 'ok' },
      {
        seq: 2,
        at: T0 + 100,
        service: 'rds',
        operation: 'PromoteReadReplica',
        region: 'us-east-1',
        target: 'shop-db-use1',
        outcome: 'error',
        error: 'PromoteReadReplica: InvalidDBInstanceState: shop-db-use1 is not a read replica',
      },
      { seq: 3, at: T0 + 200, service: 'rds', operation: 'PromoteReadReplica', region: 'eu-west-1', target: 'shop-db-euw1', outcome: 'ok' },
      { seq: 4, at: T0 + 200, service: 'route53', operation: 'ListResourceRecordSets', target: 'Z0TEST/shop.example.com.', outcome: 'ok' },
    ]);
    expect(sunk).toEqual(sim.cloud.calls);
  });

  it('logs refusals by outage and by injected fault as errors', async () => {
    const sim = world();
    sim.cloud.setRegionAvailable('eu-west-1', false);
    await expect(sim.compute.describeGroup(GROUP_W)).rejects.toThrow();
    sim.cloud.setRegionAvailable('eu-west-1', true);
    sim.cloud.injectFault({ operation: 'DescribeAutoScalingGroups', kind: 'permanent', times: 1 });
    await expect(sim.compute.describeGroup(GROUP_W)).rejects.toThrow();
    await sim.compute.describeGroup(GROUP_W);
    expect(sim.cloud.calls.map((c) => c.outcome)).toEqual(['error', 'error', 'ok']);
    expect(sim.cloud.calls[0]!.error).toMatch(/simulated regional outage/);
    expect(sim.cloud.calls[1]!.error).toMatch(/injected fault/);
  });

  it('succeeded(op) lists only the successful calls of that operation', async () => {
    const sim = world();
    sim.cloud.injectFault({ operation: 'UpdateAutoScalingGroup', kind: 'transient', times: 1 });
    await expect(sim.compute.setCapacity(GROUP_W, 4)).rejects.toThrow();
    await sim.compute.setCapacity(GROUP_W, 4);
    await sim.compute.describeGroup(GROUP_W);
    expect(sim.cloud.succeeded('UpdateAutoScalingGroup').map((c) => c.seq)).toEqual([2]);
    expect(sim.cloud.succeeded('PromoteReadReplica')).toEqual([]);
  });

  it('completes calls asynchronously', async () => {
    const sim = world();
    let done = false;
    const pending = sim.compute.setCapacity(GROUP_W, 3).then(() => {
      done = true;
    });
    expect(done).toBe(false);
    expect(sim.cloud.calls).toHaveLength(0);
    await pending;
    expect(done).toBe(true);
  });
});

describe('seedSimWorld', () => {
  const config = validateConfig({
    applications: [
      {
        name: 'shop',
        regions: ['us-east-1', 'eu-west-1', 'ap-south-1'].map((name, i) => ({
          name,
          probes: [{ url: `https://${name}.shop.example.com/health` }],
          database: { engine: 'rds', instanceId: `shop-db-${i}` },
          compute: { autoScalingGroup: `shop-web-${i}`, standbyCapacity: 1, activeCapacity: 4 + i },
          dns: { hostedZoneId: 'Z0TEST', recordName: 'Shop.Example.com', type: 'CNAME', value: `shop-${name}.example.com`, ttl: 30 },
        })),
      },
    ],
  });
  const [use1, euw1, aps1] = config.applications[0]!.regions;

  it('makes the primary database the writer and the standbys its replicas', async () => {
    const sim = providers();
    seedSimWorld(sim, config);
    expect(sim.database.ids()).toEqual(['shop-db-0', 'shop-db-1', 'shop-db-2']);
    expect(await sim.database.describe(use1!.database)).toMatchObject({ exists: true, role: 'writer', status: 'available' });
    expect(await sim.database.describe(euw1!.database)).toMatchObject({ exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available' });
    expect(await sim.database.describe(aps1!.database)).toMatchObject({ exists: true, role: 'replica', replicaOf: 'us-east-1', status: 'available' });
  });

  it('runs the primary at active capacity and the standbys at standby capacity, room to grow', async () => {
    const sim = providers();
    seedSimWorld(sim, config);
    const primary = await sim.compute.describeGroup({ region: 'us-east-1', groupName: 'shop-web-0' });
    expect(primary).toMatchObject({ desiredCapacity: 4, minSize: 4, maxSize: 4 });
    expect(serving(primary)).toBe(4);
    const standby = await sim.compute.describeGroup({ region: 'ap-south-1', groupName: 'shop-web-2' });
    expect(standby).toMatchObject({ desiredCapacity: 1, minSize: 1, maxSize: 6 });
    expect(serving(standby)).toBe(1);
  });

  it('points the record at the primary and marks it as owned by the app', async () => {
    const sim = providers();
    seedSimWorld(sim, config);
    expect(await sim.dns.listRecords('Z0TEST', 'shop.example.com.')).toEqual([{ name: 'shop.example.com.', type: 'CNAME', ttl: 30, values: ['shop-us-east-1.example.com'] }]);
    expect(await sim.dns.listRecords('Z0TEST', ownerRecordName('shop.example.com.'))).toEqual([
      { name: '_failover-owner.shop.example.com.', type: 'TXT', ttl: 300, values: [ownerValue('shop')] },
    ]);
  });
});
