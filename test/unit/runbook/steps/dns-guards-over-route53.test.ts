import nock from 'nock';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { Route53Dns } from '../../../../src/adapters/aws/route53-dns.js';
import { MemoryStateStore } from '../../../../src/adapters/memory/memory-state-store.js';
import { createSimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import type { AppConfig } from '../../../../src/config/types.js';
import { ownerRecordName, ownerValue } from '../../../../src/dns/record-switch.js';
import { pendingSteps, RunbookEngine } from '../../../../src/runbook/engine.js';
import type { RunRecord } from '../../../../src/runbook/run.js';
import { type RunbookNode, runbook } from '../../../../src/runbook/step.js';
import { retireStaleWriter } from '../../../../src/runbook/steps/replica-steps.js';
import { switchDns } from '../../../../src/runbook/steps/switch-dns.js';
import { FakeRoute53, type FakeRecordSet } from '../../../support/fake-route53.js';
import { countInflight } from '../../../support/inflight.js';
import { ManualClock } from '../../../support/manual-clock.js';
import { SHOP_LB as LB, SHOP_LB_ZONE as LB_ZONE, shopConfig } from '../../../support/shop-config.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const HC = { 'us-east-1': 'abcdef11-2222-3333-4444-555555fedcba', 'eu-west-1': 'abcdef22-2222-3333-4444-555555fedcba' } as const;
type Region = keyof typeof LB;

function appWith(routing: 'simple' | 'failover'): AppConfig {
  return shopConfig({ provider: 'aws', alias: { routing } }).applications[0]!;
}

/** An alias record as Route 53 holds it when made in the console: `dualstack.` + the load balancer. */
function consoleAlias(region: Region, extra: Partial<FakeRecordSet> = {}): FakeRecordSet {
  return { name: 'shop.example.com.', type: 'A', values: [], alias: { dnsName: `dualstack.${LB[region]}.`, hostedZoneId: LB_ZONE[region], evaluateTargetHealth: false }, ...extra };
}

/** Run one step through the engine with DNS on the Route 53 adapter (a stateful fake behind nock) and the database simulated. */
async function runOverRoute53(app: AppConfig, node: RunbookNode, from: Region, records: FakeRecordSet[]) {
  let inflight = () => 0;
  const clock: ManualClock = new ManualClock(Date.UTC(2026, 10, 24, 12), () => inflight() > 0);
  const fake = new FakeRoute53({ now: () => clock.now(), propagationMs: 20_000 }).install();
  fake.seed('Z0SHOP', [...records, { name: ownerRecordName('shop.example.com.'), type: 'TXT', ttl: 300, values: [ownerValue('shop')] }]);
  const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 3 });
  const sim = createSimProviders({ clock, random: () => 0.5 });
  for (const region of app.regions) sim.database.seed(region.database, 'writer');
  const counted = countInflight({ ...sim, dns: new Route53Dns(clients, { clock, requestsPerSecond: 1_000 }) });
  inflight = counted.inflight;
  const book = runbook('one-step', 'one step', node);
  const to = from === 'us-east-1' ? 'eu-west-1' : 'us-east-1';
  const run: RunRecord = { id: 'run-r53-1', app: 'shop', kind: 'failback', runbook: book.name, from, to, trigger: 'manual', reason: 'test', status: 'running', createdAt: clock.now(), steps: pendingSteps(book) };
  const engine = new RunbookEngine({ store: new MemoryStateStore(), clock, log: pino({ level: 'silent' }), random: () => 0.5, retry: { attempts: 3, baseMs: 100, maxMs: 1_000 } });
  const regionOf = (name: string) => app.regions.find((r) => r.name === name)!;
  let finished: RunRecord | undefined;
  try {
    void engine.execute(run, book, { app, from: regionOf(from), to: regionOf(to), cloud: counted.cloud, prober: { round: async () => [] }, clock }).then((r) => (finished = r));
    await clock.advanceUntil(() => finished !== undefined, { stepMs: 100, maxMs: 10 * 60_000 });
    return { run: finished!, fake, sim };
  } finally {
    fake.close();
    clients.destroy();
  }
}

const retireStandby = () => retireStaleWriter({ id: 'retire-standby-writer', title: 'Set the former standby writer aside', side: 'from' });

describe('the retire guard over the Route 53 adapter (records as ListResourceRecordSets returns them)', () => {
  it('refuses to set eu-west-1 aside while the console-made alias `dualstack.<its load balancer>.` still routes there', async () => {
    const { run, fake, sim } = await runOverRoute53(appWith('simple'), retireStandby(), 'eu-west-1', [consoleAlias('eu-west-1')]);
    expect(run.status).toBe('failed');
    expect(run.steps[0]!.message).toBe(
      `refusing to set aside rds:shop-db-eu-west-1 (eu-west-1): DNS sends the application's traffic to eu-west-1 (A alias dualstack.${LB['eu-west-1']}.); it is set aside only while DNS sends traffic to another region`,
    );
    expect(fake.calls.map((c) => c.operation)).toContain('ListResourceRecordSets');
    expect(await sim.database.describe(appWith('simple').regions[1]!.database)).toMatchObject({ exists: true, role: 'writer' });
  });

  it('refuses while failover records carry health checks, even with us-east-1 PRIMARY: Route 53 may answer eu-west-1 on its own', async () => {
    const records = [
      consoleAlias('us-east-1', { setIdentifier: 'us-east-1', failover: 'PRIMARY', healthCheckId: HC['us-east-1'] }),
      consoleAlias('eu-west-1', { setIdentifier: 'eu-west-1', failover: 'SECONDARY', healthCheckId: HC['eu-west-1'] }),
    ];
    const { run } = await runOverRoute53(appWith('failover'), retireStandby(), 'eu-west-1', records);
    expect(run.status).toBe('failed');
    expect(run.steps[0]!.message).toMatch(/Route 53 chooses between the records by health .* so it may answer with eu-west-1 on its own/);
  });

  it('sets eu-west-1 aside once the console-made alias routes to us-east-1', async () => {
    const { run, sim } = await runOverRoute53(appWith('simple'), retireStandby(), 'eu-west-1', [consoleAlias('us-east-1')]);
    expect(run.status, run.error).toBe('succeeded');
    expect(await sim.database.describe(appWith('simple').regions[1]!.database)).toMatchObject({ exists: false });
  });
});

describe('switch-dns over the Route 53 adapter on records provisioned with health checks (the old README advice)', () => {
  it('replaces them, DELETE-exact with their HealthCheckId, by records without health checks: only the PRIMARY the controller chose is answered', async () => {
    const records = [
      consoleAlias('us-east-1', { setIdentifier: 'us-east-1', failover: 'PRIMARY', healthCheckId: HC['us-east-1'] }),
      consoleAlias('eu-west-1', { setIdentifier: 'eu-west-1', failover: 'SECONDARY', healthCheckId: HC['eu-west-1'] }),
    ];
    const node = switchDns({ id: 'switch-dns-to-standby', title: 'Point DNS at the standby region', side: 'to' });
    const { run, fake } = await runOverRoute53(appWith('failover'), node, 'us-east-1', records);
    expect(run.status, run.error).toBe('succeeded');
    const [change] = fake.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');
    expect(change!.status).toBe(200);
    // The DELETEs name the records exactly, health checks included; the CREATEs carry none.
    expect(change!.request.match(/<HealthCheckId>[^<]*<\/HealthCheckId>/g)).toEqual([`<HealthCheckId>${HC['us-east-1']}</HealthCheckId>`, `<HealthCheckId>${HC['eu-west-1']}</HealthCheckId>`]);
    const after = fake.records('Z0SHOP').filter((r) => r.type === 'A');
    expect(after.map((r) => [r.setIdentifier, r.failover, r.healthCheckId, r.alias?.dnsName])).toEqual([
      ['eu-west-1', 'PRIMARY', undefined, `dualstack.${LB['eu-west-1']}.`],
      ['us-east-1', 'SECONDARY', undefined, `dualstack.${LB['us-east-1']}.`],
    ]);
  });
});
