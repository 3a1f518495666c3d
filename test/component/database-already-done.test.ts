import nock from 'nock';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import { RdsDatabase } from '../../src/adapters/aws/rds-database.js';
import { createSimProviders } from '../../src/adapters/sim/sim-providers.js';
import type { AppConfig } from '../../src/config/types.js';
import { desiredRecords } from '../../src/dns/desired-records.js';
import { ownerRecordName, ownerValue } from '../../src/dns/record-switch.js';
import type { CloudProviders } from '../../src/ports/providers.js';
import { actOnce } from '../../src/runbook/act-once.js';
import type { RunRecord } from '../../src/runbook/run.js';
import { runbook, type RunbookNode, type StepContext, type StepDefinition } from '../../src/runbook/step.js';
import { promoteDatabase } from '../../src/runbook/steps/promote-database.js';
import { createReplica, retireStaleWriter } from '../../src/runbook/steps/replica-steps.js';
import { AwsNock, clusterArn, dbInstanceXml, describeDbClustersResult, describeDbInstancesResult, describeGlobalClustersResult } from '../support/aws-nock.js';
import { runDbSteps } from '../support/db-step-runner.js';
import { FakeRds } from '../support/fake-rds.js';
import { countInflight } from '../support/inflight.js';
import { ManualClock } from '../support/manual-clock.js';
import { shopConfig } from '../support/shop-config.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});
afterEach(() => nock.cleanAll());

function appOf(engine: 'rds' | 'aurora-global'): AppConfig {
  return shopConfig(engine).applications[0]!;
}

/** The RDS adapter over a stateful fake of RDS's wire format; DNS and compute simulated (the steps here only read DNS). */
function awsWorld(app: AppConfig, dnsRegion: string) {
  let inflight = () => 0;
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12), () => inflight() > 0);
  const fake = new FakeRds({
    regions: ['us-east-1', 'eu-west-1'],
    now: () => clock.now(),
    delays: { promoteAcceptMs: 20_000, promoteMs: 5 * 60_000, replicaCreateMs: 20 * 60_000, renameMs: 60_000 },
  }).install();
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  const sim = createSimProviders({ clock });
  sim.dns.seed('Z0SHOP', [...desiredRecords(app.regions, dnsRegion), { name: ownerRecordName('shop.example.com.'), type: 'TXT', ttl: 300, values: [ownerValue('shop')] }]);
  const counted = countInflight<CloudProviders>({ ...sim, database: new RdsDatabase(clients, { clock }) });
  inflight = counted.inflight;
  return { clock, fake, cloud: counted.cloud as CloudProviders, close: () => (fake.close(), clients.destroy()) };
}

const promoteBook = runbook('promote', 'Promote', promoteDatabase({ id: 'promote-standby-database', title: 'Promote the standby', side: 'to', mode: 'unplanned' }));

/**
 * Many RDS mutations take no idempotency token, and a change client sends
 * them once (aws-client-pool.ts): when the answer is lost after AWS took the
 * call, the engine's retry looks at the world first, and a repeat that AWS
 * refuses as already done or under way counts as done. Each case is AWS's
 * own wire format and state sequence, through the engine.
 */
describe('accepted but unanswered database calls count as done (RDS adapter over AWS’s wire format)', () => {
  it('PromoteReadReplica: the repeat, sent while the instance still reads available, is refused (InvalidDBInstanceState) and counted once the instance shows the promotion', async () => {
    const app = appOf('rds');
    const w = awsWorld(app, 'us-east-1');
    try {
      w.fake.addWriter('us-east-1', 'shop-db-us-east-1');
      w.fake.addReplica('eu-west-1', 'shop-db-eu-west-1', { region: 'us-east-1', id: 'shop-db-us-east-1' });
      w.fake.loseNextAnswer('PromoteReadReplica');
      const { run, journal } = await runDbSteps(promoteBook, { app, cloud: w.cloud, clock: w.clock });
      expect(run.status, run.error).toBe('succeeded');
      const promotions = w.fake.calls.filter((c) => c.action === 'PromoteReadReplica');
      expect(promotions.map((c) => c.status)).toEqual([0, 400]);
      expect(journal.find((e) => e.type === 'act-succeeded')?.data).toMatchObject({ recoveredFrom: expect.stringMatching(/InvalidDBInstanceState(Fault)?: DB instance shop-db-eu-west-1 is not in available state/) });
      expect(w.fake.instance('eu-west-1', 'shop-db-eu-west-1')).toMatchObject({ status: 'available' });
      expect(w.fake.instance('eu-west-1', 'shop-db-eu-west-1')?.source).toBeUndefined();
    } finally {
      w.close();
    }
  });

  it('CreateDBInstanceReadReplica: after the lost answer the world shows the replica being created, and nothing is sent again', async () => {
    const app = appOf('rds');
    const w = awsWorld(app, 'us-east-1');
    try {
      w.fake.addWriter('us-east-1', 'shop-db-us-east-1');
      // The instance the replica replaces, set aside by this run's retire step (run-0000db01: suffix stale-0000db01).
      w.fake.addWriter('eu-west-1', 'shop-db-eu-west-1-stale-0000db01', { settings: { subnetGroup: 'shop-euw1-private', securityGroups: ['sg-0shopdb'] } });
      w.fake.loseNextAnswer('CreateDBInstanceReadReplica');
      const book = runbook('create', 'Create', createReplica({ id: 'create-standby-replica', title: 'Rebuild the standby', side: 'to' }));
      const { run } = await runDbSteps(book, { app, cloud: w.cloud, clock: w.clock });
      expect(run.status, run.error).toBe('succeeded');
      expect(w.fake.calls.filter((c) => c.action === 'CreateDBInstanceReadReplica').map((c) => c.status)).toEqual([0]);
      expect(w.fake.instance('eu-west-1', 'shop-db-eu-west-1')).toMatchObject({ status: 'available', settings: { subnetGroup: 'shop-euw1-private', securityGroups: ['sg-0shopdb'] } });
    } finally {
      w.close();
    }
  });

  it('ModifyDBInstance (rename): the old name is gone at once, so the retry finds the goal reached and sends nothing again', async () => {
    const app = appOf('rds');
    // Failback layout: eu-west-1 writes and has DNS; us-east-1 holds the stale writer.
    const w = awsWorld(app, 'eu-west-1');
    try {
      w.fake.addWriter('eu-west-1', 'shop-db-eu-west-1');
      w.fake.addWriter('us-east-1', 'shop-db-us-east-1');
      w.fake.loseNextAnswer('ModifyDBInstance');
      const book = runbook('retire', 'Retire', retireStaleWriter({ id: 'retire-stale-original-database', title: 'Set aside', side: 'to' }));
      const { run } = await runDbSteps(book, { app, cloud: w.cloud, clock: w.clock, from: 1, to: 0 });
      expect(run.status, run.error).toBe('succeeded');
      expect(w.fake.calls.filter((c) => c.action === 'ModifyDBInstance').map((c) => c.status)).toEqual([0]);
      expect(w.fake.instance('us-east-1', 'shop-db-us-east-1-stale-0000db01')).toBeDefined();
    } finally {
      w.close();
    }
  });

  it('FailoverGlobalCluster: after the lost answer the global cluster reads failing-over (pending), nothing is sent again, and the run ends when the new writer is available', async () => {
    const app = appOf('aurora-global');
    const w = awsWorld(app, 'us-east-1');
    try {
      w.fake.aurora.addGlobal('shop-global', '16.4', [
        { region: 'us-east-1', id: 'shop-us-east-1' },
        { region: 'eu-west-1', id: 'shop-eu-west-1' },
      ]);
      w.fake.setRegionDown('us-east-1', true);
      w.fake.loseNextAnswer('FailoverGlobalCluster');
      const { run } = await runDbSteps(promoteBook, { app, cloud: w.cloud, clock: w.clock });
      expect(run.status, run.error).toBe('succeeded');
      expect(w.fake.calls.filter((c) => c.action === 'FailoverGlobalCluster').map((c) => c.status)).toEqual([0]);
      expect(w.fake.calls.filter((c) => c.action === 'SwitchoverGlobalCluster')).toEqual([]);
    } finally {
      w.close();
    }
  });

  it('SwitchoverGlobalCluster (the old primary answers): after the lost answer the global cluster reads switching-over, nothing is sent again', async () => {
    const app = appOf('aurora-global');
    const w = awsWorld(app, 'us-east-1');
    try {
      w.fake.aurora.addGlobal('shop-global', '16.4', [
        { region: 'us-east-1', id: 'shop-us-east-1' },
        { region: 'eu-west-1', id: 'shop-eu-west-1' },
      ]);
      w.fake.loseNextAnswer('SwitchoverGlobalCluster');
      const { run } = await runDbSteps(promoteBook, { app, cloud: w.cloud, clock: w.clock });
      expect(run.status, run.error).toBe('succeeded');
      expect(w.fake.calls.filter((c) => c.action === 'SwitchoverGlobalCluster').map((c) => c.status)).toEqual([0]);
      expect(w.fake.calls.filter((c) => c.action === 'FailoverGlobalCluster')).toEqual([]);
    } finally {
      w.close();
    }
  });
});

/** One step of a node built by the step library. */
function stepOf(node: RunbookNode): StepDefinition {
  if (node.kind !== 'step') throw new Error('a single step');
  return node.step;
}

function contextFor(app: AppConfig, cloud: CloudProviders, clock: ManualClock): StepContext {
  const run: RunRecord = { id: 'run-0000db02', app: 'shop', kind: 'failover', runbook: 'x', from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'test', status: 'running', createdAt: clock.now(), steps: [] };
  return { run, app, from: app.regions[0]!, to: app.regions[1]!, cloud, prober: { round: async () => [] }, clock, log: pino({ level: 'silent' }), signal: new AbortController().signal, actInFlight: false };
}

describe('"already done" refusals on the wire, judged by the world (scripted answers)', () => {
  const clients = () => new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  // Time stands still for the adapter: its deadline on the old region's answer never passes here.
  const still = { now: () => Date.UTC(2026, 10, 24, 12), sleep: (_ms: number, signal?: AbortSignal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))) };

  it('CreateDBInstanceReadReplica answered DBInstanceAlreadyExists: the replica of the right writer is there, so the act counts as done', async () => {
    const app = appOf('rds');
    const aws = new AwsNock();
    const pool = clients();
    const writer = describeDbInstancesResult(dbInstanceXml({ region: 'us-east-1', id: 'shop-db-us-east-1' }));
    const replica = describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-eu-west-1', status: 'creating', source: 'arn:aws:rds:us-east-1:123456789012:db:shop-db-us-east-1' }));
    aws.rdsError('eu-west-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-eu-west-1 not found.'); // observe
    aws.rdsError('eu-west-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-eu-west-1 not found.'); // act: is it there?
    aws.rdsOk('us-east-1', 'DescribeDBInstances', writer); // the writer is not busy
    aws.rdsOk('us-east-1', 'DescribeDBInstances', writer); // the source's ARN
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', describeDbInstancesResult(dbInstanceXml({ region: 'eu-west-1', id: 'shop-db-eu-west-1-stale-0000db02' }))); // the instance it replaces
    aws.rdsError('eu-west-1', 'CreateDBInstanceReadReplica', 400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    aws.rdsOk('eu-west-1', 'DescribeDBInstances', replica); // the world, after the refusal
    try {
      const cloud = { ...createSimProviders({ clock: new ManualClock() }), database: new RdsDatabase(pool, { clock: still }) } as CloudProviders;
      const step = stepOf(createReplica({ id: 'create-standby-replica', title: 'Rebuild', side: 'to' }));
      const result = await actOnce(step, contextFor(app, cloud, new ManualClock()), new AbortController().signal);
      expect(result).toMatchObject({ recoveredFrom: expect.stringMatching(/DBInstanceAlreadyExists/) });
      aws.done();
    } finally {
      pool.destroy();
    }
  });

  it('FailoverGlobalCluster answered InvalidGlobalClusterStateFault: the global cluster is failing over to this cluster, so the act counts as done', async () => {
    const app = appOf('aurora-global');
    const aws = new AwsNock();
    const pool = clients();
    const members = [
      { arn: clusterArn('us-east-1', 'shop-us-east-1'), writer: true },
      { arn: clusterArn('eu-west-1', 'shop-eu-west-1'), writer: false },
    ];
    const calm = describeGlobalClustersResult({ id: 'shop-global', members });
    const moving = describeGlobalClustersResult({ id: 'shop-global', status: 'failing-over', failoverState: 'failing-over', members });
    const cluster = describeDbClustersResult({ region: 'eu-west-1', id: 'shop-eu-west-1' });
    for (const answer of [calm, cluster, calm, cluster, calm, cluster]) aws.rdsOk('eu-west-1', answer === cluster ? 'DescribeDBClusters' : 'DescribeGlobalClusters', answer); // observe, busy check, promote
    aws.rdsUnreachable('us-east-1', 'DescribeDBClusters'); // the old primary does not answer
    aws.rdsError('eu-west-1', 'FailoverGlobalCluster', 400, 'InvalidGlobalClusterStateFault', 'Global cluster shop-global is not in a valid state for failover.');
    aws.rdsOk('eu-west-1', 'DescribeGlobalClusters', moving); // the world, after the refusal
    aws.rdsOk('eu-west-1', 'DescribeDBClusters', cluster);
    try {
      const cloud = { ...createSimProviders({ clock: new ManualClock() }), database: new RdsDatabase(pool, { clock: still }) } as CloudProviders;
      const result = await actOnce(stepOf(promoteDatabase({ id: 'promote-standby-database', title: 'Promote', side: 'to', mode: 'unplanned' })), contextFor(app, cloud, new ManualClock()), new AbortController().signal);
      expect(result).toMatchObject({ recoveredFrom: expect.stringMatching(/InvalidGlobalClusterStateFault/) });
      aws.done();
    } finally {
      pool.destroy();
    }
  });
});

describe('accepted but unanswered calls in the simulated world', () => {
  it('PromoteReadReplica whose answer was lost: the retry waits out the promotion, the repeat is refused, the act counts once', async () => {
    const app = appOf('rds');
    const clock = new ManualClock();
    const sim = createSimProviders({ clock, delays: { promoteMs: 60_000 }, random: () => 0.5 });
    sim.database.seed(app.regions[0]!.database, 'writer');
    sim.database.seed(app.regions[1]!.database, 'replica', app.regions[0]!.database);
    sim.database.loseNextAnswer('PromoteReadReplica');
    const { run, journal } = await runDbSteps(promoteBook, { app, cloud: sim, clock });
    expect(run.status, run.error).toBe('succeeded');
    expect(sim.cloud.calls.filter((c) => c.operation === 'PromoteReadReplica').map((c) => c.outcome)).toEqual(['ok', 'error']);
    expect(journal.find((e) => e.type === 'attempt-failed')?.data).toMatchObject({ error: expect.stringMatching(/ECONNRESET/) });
    expect(journal.find((e) => e.type === 'act-succeeded')?.data).toMatchObject({ recoveredFrom: expect.stringMatching(/InvalidDBInstanceState/) });
  });
});
