import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPersistentSimProviders, readCallLog, type SimWorldSnapshot } from '../../../../src/adapters/sim/persistent-sim.js';
import type { SimCall } from '../../../../src/adapters/sim/sim-cloud.js';
import { createSimProviders, type SimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import type { Clock } from '../../../../src/ports/clock.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import type { DnsRecordSet } from '../../../../src/ports/dns-provider.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const DELAYS = { promoteMs: 5_000, replicaCreateMs: 6_000, instanceBootMs: 3_000, dnsPropagationMs: 2_000 };

let t = T0;
const clock: Clock = { now: () => t, sleep: async () => {} };

const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };
const AURORA_W: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: 'g', clusterId: 'c-use1' };
const AURORA_R: DatabaseRef = { engine: 'aurora-global', region: 'eu-west-1', globalClusterId: 'g', clusterId: 'c-euw1' };
const GROUP_W = { region: 'eu-west-1', groupName: 'web-euw1' };
const ZONE = 'Z0TEST';
const NAME = 'shop.example.com.';
const RECORD: DnsRecordSet = { name: NAME, type: 'A', ttl: 60, values: ['192.0.2.1'], setIdentifier: 'use1', weight: 100 };
const ALIAS: DnsRecordSet = { name: 'www.example.com.', type: 'A', values: [], alias: { dnsName: 'lb.example.com.', hostedZoneId: 'ZLB', evaluateTargetHealth: true } };

function seedWorld(sim: SimProviders): void {
  sim.database.seed(WRITER, 'writer');
  sim.database.seed(REPLICA, 'replica', WRITER);
  sim.compute.seed(GROUP_W, 1, 4);
  sim.dns.seed(ZONE, [RECORD, ALIAS]);
}

let dir: string;
let seeded: number;

/** One "process": a persistent simulated cloud over `dir`. */
function open(onCommitted?: (call: SimCall) => void): SimProviders {
  return createPersistentSimProviders({
    clock,
    dir,
    delays: DELAYS,
    seed: (sim) => {
      seeded++;
      seedWorld(sim);
    },
    ...(onCommitted ? { onCommitted } : {}),
  });
}

function stateOnDisk(): SimWorldSnapshot {
  return JSON.parse(readFileSync(join(dir, 'sim-state.json'), 'utf8')) as SimWorldSnapshot;
}

beforeEach(async () => {
  t = T0;
  seeded = 0;
  dir = await mkdtemp(join(tmpdir(), 'persistent-sim-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createPersistentSimProviders', () => {
  it('seeds a fresh directory once and saves it; a second process restores instead of seeding', async () => {
    const first = open();
    expect(seeded).toBe(1);
    expect(existsSync(join(dir, 'sim-state.json'))).toBe(true);
    expect(first.cloud.calls).toEqual([]);
    const second = open();
    expect(seeded).toBe(1);
    expect(second.database.ids()).toEqual(['shop-db-euw1', 'shop-db-use1']);
    expect(await second.dns.listRecords(ZONE, NAME)).toEqual([RECORD]);
  });

  it('a promotion started before a restart completes after it when time passes', async () => {
    await open().database.promote(REPLICA, 'unplanned');
    t += 1_000;
    const after = open();
    expect(await after.database.describe(REPLICA)).toMatchObject({ role: 'replica', status: 'modifying' });
    t += DELAYS.promoteMs - 1_000;
    expect(await after.database.describe(REPLICA)).toEqual({ ref: REPLICA, exists: true, role: 'writer', status: 'available' });
    // And it stays promoted in the next process: the settled state was saved too.
    await expect(open().database.promote(REPLICA, 'unplanned')).rejects.toThrow(/is not a read replica/);
  });

  it('an instance launched before a restart goes InService after it; instance ids are never reused', async () => {
    const before = open();
    await before.compute.setCapacity(GROUP_W, 2);
    const launched = (await before.compute.describeGroup(GROUP_W)).instances.map((i) => i.id);
    const after = open();
    expect((await after.compute.describeGroup(GROUP_W)).instances.map((i) => i.lifecycleState)).toEqual(['InService', 'Pending']);
    t += DELAYS.instanceBootMs;
    const group = await after.compute.describeGroup(GROUP_W);
    expect(group.instances.map((i) => [i.id, i.lifecycleState])).toEqual(launched.map((id) => [id, 'InService']));
    // Scale in and out again: the new instance gets a fresh id, not the one scaled in.
    await after.compute.setCapacity(GROUP_W, 1);
    await open().compute.setCapacity(GROUP_W, 2);
    const ids = (await open().compute.describeGroup(GROUP_W)).instances.map((i) => i.id);
    expect(ids[0]).toBe(launched[0]);
    expect(launched).not.toContain(ids[1]);
  });

  it('a DNS change submitted before a restart becomes INSYNC after it; change ids are never reused', async () => {
    const next = { ...RECORD, values: ['192.0.2.2'] };
    const { changeId } = await open().dns.changeRecords(ZONE, [{ action: 'DELETE', record: RECORD }, { action: 'CREATE', record: next }], 'switch');
    const after = open();
    expect(await after.dns.getChange(changeId)).toBe('PENDING');
    expect(await after.dns.listRecords(ZONE, NAME)).toEqual([next]);
    t += DELAYS.dnsPropagationMs;
    expect(await after.dns.getChange(changeId)).toBe('INSYNC');
    const second = await open().dns.changeRecords(ZONE, [{ action: 'UPSERT', record: RECORD }], 'back');
    expect(second.changeId).not.toBe(changeId);
  });

  it('keeps the call log across restarts, in cloud.calls and on disk, with seq increasing', async () => {
    const first = open();
    await first.database.describe(REPLICA);
    await first.database.promote(REPLICA, 'unplanned');
    t += 100;
    const second = open();
    expect(second.cloud.calls.map((c) => c.seq)).toEqual([1, 2]);
    await second.compute.setCapacity(GROUP_W, 3);
    const third = open();
    await third.dns.listRecords(ZONE, NAME);
    expect(third.cloud.calls.map((c) => [c.seq, c.operation])).toEqual([
      [1, 'DescribeDBInstances'],
      [2, 'PromoteReadReplica'],
      [3, 'UpdateAutoScalingGroup'],
      [4, 'ListResourceRecordSets'],
    ]);
    expect(third.cloud.succeeded('PromoteReadReplica')).toHaveLength(1);
    expect(readCallLog(dir)).toEqual(third.cloud.calls);
    expect(third.cloud.calls[2]).toMatchObject({ at: T0 + 100, region: 'eu-west-1', target: 'web-euw1', outcome: 'ok' });
  });

  it('runs onCommitted after the effect and the call are on disk, before the call returns', async () => {
    const seen: { call: SimCall; state: SimWorldSnapshot; log: SimCall[] }[] = [];
    let returned = false;
    const sim = open((call) => seen.push({ call, state: stateOnDisk(), log: readCallLog(dir) }));
    const promoted = sim.database.promote(REPLICA, 'unplanned').then(() => {
      returned = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(returned).toBe(false);
    await promoted;
    expect(seen).toHaveLength(1);
    const [{ call, state, log }] = seen as [(typeof seen)[number]];
    expect(call).toMatchObject({ seq: 1, operation: 'PromoteReadReplica', outcome: 'ok' });
    expect(log).toEqual([call]);
    expect(state.lastCall).toEqual(call);
    expect(state.database.databases.find((db) => db.id === 'shop-db-euw1')).toMatchObject({ status: 'modifying', pendingRole: 'writer', readyAt: T0 + DELAYS.promoteMs });
  });

  it('a failed call is logged (and reaches onCommitted) but saves no state', async () => {
    const seen: SimCall[] = [];
    const sim = open((call) => seen.push(call));
    const before = readFileSync(join(dir, 'sim-state.json'), 'utf8');
    sim.cloud.injectFault({ operation: 'UpdateAutoScalingGroup', kind: 'permanent' });
    await expect(sim.compute.setCapacity(GROUP_W, 3)).rejects.toThrow(PermanentError);
    await expect(sim.database.promote(WRITER, 'unplanned')).rejects.toThrow(/not a read replica/);
    expect(readFileSync(join(dir, 'sim-state.json'), 'utf8')).toBe(before);
    expect(readCallLog(dir).map((c) => [c.seq, c.operation, c.outcome])).toEqual([
      [1, 'UpdateAutoScalingGroup', 'error'],
      [2, 'PromoteReadReplica', 'error'],
    ]);
    expect(seen).toEqual(readCallLog(dir));
    // Faults do not persist: the next process makes the same call successfully.
    const after = open();
    await after.compute.setCapacity(GROUP_W, 3);
    expect(after.cloud.calls.map((c) => c.outcome)).toEqual(['error', 'error', 'ok']);
  });

  it('does not persist region availability', async () => {
    open().cloud.setRegionAvailable('eu-west-1', false);
    expect(open().cloud.regionAvailable('eu-west-1')).toBe(true);
  });

  it('a kill between saving the state and logging the call loses no call', async () => {
    const sim = open();
    await sim.database.describe(REPLICA);
    await sim.database.promote(REPLICA, 'unplanned');
    // As if killed after the snapshot was renamed into place but before the log line was appended.
    const log = readFileSync(join(dir, 'sim-calls.jsonl'), 'utf8').split('\n');
    writeFileSync(join(dir, 'sim-calls.jsonl'), `${log[0]}\n`);
    const after = open();
    expect(after.cloud.calls.map((c) => [c.seq, c.operation])).toEqual([
      [1, 'DescribeDBInstances'],
      [2, 'PromoteReadReplica'],
    ]);
    expect(readCallLog(dir)).toEqual(after.cloud.calls);
  });

  it('drops a log line torn by a kill mid-write, and the next call starts a line of its own', async () => {
    const sim = open();
    await sim.database.describe(REPLICA);
    writeFileSync(join(dir, 'sim-calls.jsonl'), `${readFileSync(join(dir, 'sim-calls.jsonl'), 'utf8')}{"seq":2,"at`);
    expect(readCallLog(dir)).toHaveLength(1);
    const after = open();
    await after.database.describe(WRITER);
    expect(readCallLog(dir).map((c) => c.seq)).toEqual([1, 2]);
  });

  it('refuses a state file that is not a snapshot, saying what to do', () => {
    open();
    writeFileSync(join(dir, 'sim-state.json'), '{"hello":1}');
    expect(() => open()).toThrow(/not a version 1 simulated-cloud snapshot; delete it/);
  });
});

describe('snapshot and restore', () => {
  /** A world with something pending in every service, and its copy restored from JSON. */
  async function roundTrip(): Promise<{ a: SimProviders; b: SimProviders }> {
    const a = createSimProviders({ clock, delays: DELAYS });
    seedWorld(a);
    a.database.seed(AURORA_W, 'writer');
    a.database.seed(AURORA_R, 'replica', AURORA_W);
    await a.database.promote(AURORA_R, 'planned');
    await a.database.createReplica({ engine: 'rds', region: 'us-west-2', instanceId: 'shop-db-usw2' }, WRITER);
    await a.compute.setCapacity(GROUP_W, 3);
    await a.dns.changeRecords(ZONE, [{ action: 'UPSERT', record: { ...RECORD, weight: 0 } }], 'drain');
    const b = createSimProviders({ clock, delays: DELAYS });
    b.database.restore(JSON.parse(JSON.stringify(a.database.snapshot())));
    b.compute.restore(JSON.parse(JSON.stringify(a.compute.snapshot())));
    b.dns.restore(JSON.parse(JSON.stringify(a.dns.snapshot())));
    return { a, b };
  }

  it('SimDatabase: the same databases, pending changes included, settling at the same time', async () => {
    const { a, b } = await roundTrip();
    expect(b.database.snapshot()).toEqual(a.database.snapshot());
    expect(b.database.ids()).toEqual(a.database.ids());
    t += DELAYS.promoteMs;
    for (const ref of [AURORA_W, AURORA_R, REPLICA]) expect(await b.database.describe(ref)).toEqual(await a.database.describe(ref));
    expect(await b.database.describe(AURORA_W)).toMatchObject({ role: 'replica', replicaOf: 'eu-west-1', status: 'available' });
  });

  it('SimCompute: the same groups and instances; the counter continues', async () => {
    const { a, b } = await roundTrip();
    expect(b.compute.snapshot()).toEqual(a.compute.snapshot());
    expect(await b.compute.describeGroup(GROUP_W)).toEqual(await a.compute.describeGroup(GROUP_W));
    await a.compute.setCapacity(GROUP_W, 4);
    await b.compute.setCapacity(GROUP_W, 4);
    expect(await b.compute.describeGroup(GROUP_W)).toEqual(await a.compute.describeGroup(GROUP_W));
  });

  it('SimDns: the same zones, records in order, changes and counter', async () => {
    const { a, b } = await roundTrip();
    expect(b.dns.snapshot()).toEqual(a.dns.snapshot());
    expect(await b.dns.listRecords(ZONE, 'www.example.com.')).toEqual([ALIAS]);
    expect(await b.dns.getChange('/change/C000000000001')).toBe('PENDING');
    t += DELAYS.dnsPropagationMs;
    expect(await b.dns.getChange('/change/C000000000001')).toBe('INSYNC');
    const next = await b.dns.changeRecords(ZONE, [{ action: 'UPSERT', record: RECORD }], 'back');
    expect(next.changeId).toBe('/change/C000000000002');
  });

  it('a snapshot is a copy: changing the world afterwards does not change it', async () => {
    const { a } = await roundTrip();
    const saved = JSON.stringify({ db: a.database.snapshot(), compute: a.compute.snapshot(), dns: a.dns.snapshot() });
    const snapshots = { db: a.database.snapshot(), compute: a.compute.snapshot(), dns: a.dns.snapshot() };
    t += DELAYS.replicaCreateMs;
    await a.database.describe(AURORA_R);
    await a.compute.setCapacity(GROUP_W, 0);
    await a.dns.changeRecords(ZONE, [{ action: 'DELETE', record: ALIAS }], 'rm');
    expect(JSON.stringify(snapshots)).toBe(saved);
  });

  it('restore replaces the whole state rather than merging', async () => {
    const { a } = await roundTrip();
    const empty = createSimProviders({ clock, delays: DELAYS });
    a.database.restore(empty.database.snapshot());
    a.compute.restore(empty.compute.snapshot());
    a.dns.restore(empty.dns.snapshot());
    expect(a.database.ids()).toEqual([]);
    await expect(a.compute.describeGroup(GROUP_W)).rejects.toThrow(/not found/);
    await expect(a.dns.listRecords(ZONE, NAME)).rejects.toThrow(/NoSuchHostedZone/);
  });
});
