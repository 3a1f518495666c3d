import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failback } from '../../runbooks/failback.js';
import { regionalFailover } from '../../runbooks/regional-failover.js';
import { createPersistentSimProviders, readCallLog } from '../../src/adapters/sim/persistent-sim.js';
import type { SimCall } from '../../src/adapters/sim/sim-cloud.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { flattenSteps, type Runbook } from '../../src/runbook/step.js';
import { endedRun, killAllGroups, killGroup, type LocalSetup, localApi, localSetup, type NpmStart, npmStart, stopGroup, waitForOutput } from '../support/npm-start.js';

// A test that fails half way must not leave an npm start behind.
afterAll(killAllGroups);

/**
 * `npm start` itself, killed with SIGKILL (its whole process group, as a
 * crash or `kill -9` of the job would) at every step boundary and in the
 * middle of every act of a failover and of a failback, then started again:
 * the run must end as it would have without the crash, the world must be
 * in the right layout, and no act may have taken effect twice. The freeze
 * point (FAILOVER_SIM_FREEZE_AT) stops the process dead at the point; the
 * test then kills the group.
 */
const MUTATIONS = [
  'PromoteReadReplica',
  'UpdateAutoScalingGroup',
  'ChangeResourceRecordSets',
  'ModifyDBInstance',
  'CreateDBInstanceReadReplica',
  'RevokeSecurityGroupIngress',
  'AuthorizeSecurityGroupIngress',
];

/**
 * Every step start, the run's end, and both sides of every act the run
 * performs (`skipped`: steps whose goal already holds, which never act). A
 * step's end is not a point of its own but for the last step: the next
 * step's start is stored right after it, and a crash between the two leaves
 * the same journal as one at the next start but for that entry.
 */
function journalPoints(book: Runbook, skipped: string[] = []): string[] {
  const acts = (id: string) => [`journal:act-started:${id}`, `journal:act-succeeded:${id}`];
  const steps = flattenSteps(book.root);
  return [
    'journal:run-started:',
    ...steps.flatMap((s) => [`journal:step-started:${s.id}`, ...(s.act && !skipped.includes(s.id) ? acts(s.id) : [])]),
    `journal:step-ended:${steps.at(-1)!.id}`,
    'journal:run-succeeded:',
  ];
}

const failoverPoints = [...journalPoints(regionalFailover), 'call:PromoteReadReplica', 'call:UpdateAutoScalingGroup', 'call:ChangeResourceRecordSets'];
const failbackPoints = [
  // us-east-1's group kept its active size through the failover: scaling it up finds its goal holds; its old writer was fenced before.
  ...journalPoints(failback, ['scale-up-original-compute', 'fence-stale-original-writer']),
  ...['shop-db-use1', 'shop-db-euw1'].flatMap((db) => [`call:ModifyDBInstance:${db}`, `call:CreateDBInstanceReadReplica:${db}`]),
  'call:PromoteReadReplica',
  'call:UpdateAutoScalingGroup:shop-web-euw1',
  'call:ChangeResourceRecordSets',
];

/** Start, wait for the API, and give the process back. */
async function started(setup: LocalSetup, env: Record<string, string> = {}): Promise<NpmStart> {
  const proc = npmStart([], { ...setup.env, ...env });
  await waitForOutput(proc, /listening on/);
  return proc;
}


/** Successful mutations per operation and target, after call `afterSeq`. */
function mutations(calls: SimCall[], afterSeq = 0): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of calls) if (c.seq > afterSeq && c.outcome === 'ok' && MUTATIONS.includes(c.operation)) counts[`${c.operation} ${c.target}`] = (counts[`${c.operation} ${c.target}`] ?? 0) + 1;
  return counts;
}

/** The layout of the world as the simulated cloud saved it. */
async function layout(dir: string) {
  const sim = createPersistentSimProviders({ clock: { now: () => Date.now(), sleep: async () => undefined }, dir: join(dir, 'sim'), seed: () => undefined });
  const db = async (region: string, id: string) => {
    const s = await sim.database.describe({ engine: 'rds', region, instanceId: id });
    return `${s.role}${s.replicaOf ? ` of ${s.replicaOf}` : ''}`;
  };
  const asg = async (region: string, name: string) => (await sim.compute.describeGroup({ region, groupName: name })).desiredCapacity;
  const record = (await sim.dns.listRecords('Z0SIMULATED0001', 'shop.example.com.')).find((r) => r.type === 'CNAME');
  return { dns: record?.values[0], use1: await db('us-east-1', 'shop-db-use1'), euw1: await db('eu-west-1', 'shop-db-euw1'), asgUse1: await asg('us-east-1', 'shop-web-use1'), asgEuw1: await asg('eu-west-1', 'shop-web-euw1') };
}

describe('npm start killed with SIGKILL mid-failover and mid-failback, then started again', () => {
  let failedOver: string;
  let failedOverSeq: number;
  /** The changes a failback from that layout makes when nothing crashes: a crashed one must make exactly these. */
  let uncrashedFailback: Record<string, number>;

  /** A copy of the failed-over layout to fail back in. */
  const failbackDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'crash-failback-'));
    for (const entry of await readdir(failedOver)) if (entry !== 'failover.yaml') await cp(join(failedOver, entry), join(dir, entry), { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    // The layout a failback starts from: failed over to eu-west-1 by npm start itself, us-east-1 healed.
    failedOver = await mkdtemp(join(tmpdir(), 'crash-base-'));
    const setup = await localSetup(failedOver, { automaticFailover: false });
    const proc = await started(setup);
    try {
      expect((await localApi(setup, 'POST', '/sim/regions/us-east-1/outage')).status).toBe(200);
      // Seconds after the start eu-west-1 is not judged yet: the pre-flight gate would refuse, so the setup insists (recorded on the run).
      expect((await localApi(setup, 'POST', '/failover', { to: 'eu-west-1', reason: 'base', force: true })).status).toBe(202);
      expect((await endedRun(setup, proc)).status).toBe('succeeded');
      expect((await localApi(setup, 'POST', '/sim/regions/us-east-1/heal')).status).toBe(200);
      // The old writer's fence, pending while us-east-1 was down, is finished by the controller once the region answers.
      let fence = '';
      for (let i = 0; i < 300 && fence !== 'fenced'; i++, await sleep(100)) {
        fence = (await localApi<{ fences: { region: string; state: string }[] }>(setup, 'GET', '/fence?app=shop')).body.fences.find((f) => f.region === 'us-east-1')?.state ?? '';
      }
      expect(fence).toBe('fenced');
    } finally {
      await stopGroup(proc);
    }
    failedOverSeq = readCallLog(join(failedOver, 'sim')).at(-1)!.seq;

    const reference = await failbackDir();
    const refSetup = await localSetup(reference, { automaticFailover: false });
    const refProc = await started(refSetup);
    try {
      expect((await localApi(refSetup, 'POST', '/failback', { reason: 'reference', force: true })).status).toBe(202);
      expect((await endedRun(refSetup, refProc)).status).toBe('succeeded');
    } finally {
      await stopGroup(refProc);
    }
    uncrashedFailback = mutations(readCallLog(join(reference, 'sim')), failedOverSeq);
  }, 180_000);

  it('fails back, uncrashed, with each change once but the standby group (frozen at zero, then back to its standby size)', () => {
    expect(uncrashedFailback).toEqual({
      'AuthorizeSecurityGroupIngress sg-shop-db-use1': 1,
      'ChangeResourceRecordSets Z0SIMULATED0001': 1,
      'CreateDBInstanceReadReplica shop-db-euw1': 1,
      'CreateDBInstanceReadReplica shop-db-use1': 1,
      'ModifyDBInstance shop-db-euw1': 1,
      'ModifyDBInstance shop-db-use1': 1,
      'PromoteReadReplica shop-db-use1': 1,
      'UpdateAutoScalingGroup shop-web-euw1': 2,
    });
  });

  it('kills at every step boundary and mid-act of both runbooks', () => {
    expect(failoverPoints).toHaveLength(24);
    expect(failbackPoints).toHaveLength(47);
    expect(failbackPoints).toContain('journal:act-started:promote-original-database');
    expect(failbackPoints).toContain('call:CreateDBInstanceReadReplica:shop-db-euw1');
  });

  it.concurrent.each(failoverPoints)('failover killed at %s: resumes, ends on eu-west-1 with us-east-1 still down, no act twice', async (point) => {
    const setup = await localSetup(await mkdtemp(join(tmpdir(), 'crash-failover-')), { automaticFailover: false });
    const first = await started(setup, { FAILOVER_SIM_FREEZE_AT: point });
    expect((await localApi(setup, 'POST', '/sim/regions/us-east-1/outage')).status).toBe(200);
    expect((await localApi(setup, 'POST', '/failover', { to: 'eu-west-1', reason: 'crash drill', force: true })).status).toBe(202);
    await waitForOutput(first, new RegExp(`frozen at ${point}`));
    await killGroup(first);

    const second = await started(setup);
    const run = await endedRun(setup, second);
    expect(run.status, run.error).toBe('succeeded');
    expect((await localApi<{ applications: { activeRegion: string }[] }>(setup, 'GET', '/status')).body.applications[0]!.activeRegion).toBe('eu-west-1');
    // The outage was kept across the restart: the world did not heal behind the run.
    const regions = (await localApi<{ regions: { name: string; mode: string; controlPlane: string }[] }>(setup, 'GET', '/sim/regions')).body.regions;
    expect(regions.find((r) => r.name === 'us-east-1')).toMatchObject({ mode: 'down', controlPlane: 'down' });
    expect((await localApi<{ runs: RunRecord[] }>(setup, 'GET', '/runs')).body.runs).toHaveLength(1);
    await stopGroup(second);

    expect(mutations(readCallLog(join(setup.stateDir, 'sim')))).toEqual({
      'PromoteReadReplica shop-db-euw1': 1,
      'UpdateAutoScalingGroup shop-web-euw1': 1,
      'ChangeResourceRecordSets Z0SIMULATED0001': 1,
    });
    expect(await layout(setup.stateDir)).toEqual({ dns: 'shop-euw1.example.com', use1: 'writer', euw1: 'writer', asgUse1: 4, asgEuw1: 4 });
  }, 120_000);

  it.concurrent.each(failbackPoints)('failback killed at %s: resumes, ends in the original layout, no act twice', async (point) => {
    const dir = await failbackDir();
    const setup = await localSetup(dir, { automaticFailover: false });
    const first = await started(setup, { FAILOVER_SIM_FREEZE_AT: point });
    expect((await localApi(setup, 'POST', '/failback', { reason: 'crash drill', force: true })).status).toBe(202);
    await waitForOutput(first, new RegExp(`frozen at ${point}`));
    await killGroup(first);

    const second = await started(setup);
    const run = await endedRun(setup, second);
    expect(run).toMatchObject({ kind: 'failback', status: 'succeeded' });
    expect((await localApi<{ applications: { activeRegion: string }[] }>(setup, 'GET', '/status')).body.applications[0]!.activeRegion).toBe('us-east-1');
    await stopGroup(second);

    // No act twice: the same changes as the failback that never crashed.
    expect(mutations(readCallLog(join(dir, 'sim')), failedOverSeq)).toEqual(uncrashedFailback);
    expect(await layout(dir)).toEqual({ dns: 'shop-use1.example.com', use1: 'writer', euw1: 'replica of us-east-1', asgUse1: 4, asgEuw1: 1 });
  }, 120_000);
});
