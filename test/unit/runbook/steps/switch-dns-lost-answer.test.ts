import nock from 'nock';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { Route53Dns } from '../../../../src/adapters/aws/route53-dns.js';
import { MemoryStateStore } from '../../../../src/adapters/memory/memory-state-store.js';
import { createSimProviders, seedSimWorld } from '../../../../src/adapters/sim/sim-providers.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { ownerRecordName, ownerValue } from '../../../../src/dns/record-switch.js';
import type { CloudProviders } from '../../../../src/ports/providers.js';
import { pendingSteps, RunbookEngine } from '../../../../src/runbook/engine.js';
import type { RunRecord } from '../../../../src/runbook/run.js';
import { runbook } from '../../../../src/runbook/step.js';
import { switchDns } from '../../../../src/runbook/steps/switch-dns.js';
import { FakeRoute53, type LostChangeAnswer } from '../../../support/fake-route53.js';
import { countInflight } from '../../../support/inflight.js';
import { ManualClock } from '../../../support/manual-clock.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const config = validateConfig({
  applications: [
    {
      name: 'shop',
      regions: ['us-east-1', 'eu-west-1'].map((name) => ({
        name,
        probes: [{ url: `https://shop-${name}.example.com/health` }],
        database: { engine: 'rds', instanceId: `shop-db-${name}` },
        compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
        dns: { hostedZoneId: 'Z0SHOP', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
      })),
    },
  ],
});
const app = config.applications[0]!;
const book = runbook('switch', 'Switch DNS', switchDns({ id: 'switch-dns-to-standby', title: 'Point DNS at the standby region', side: 'to' }));

/** Run the switch-dns step alone through the engine, us-east-1 → eu-west-1, until it ends. */
async function runSwitch(clock: ManualClock, cloud: CloudProviders) {
  const store = new MemoryStateStore();
  const engine = new RunbookEngine({ store, clock, log: pino({ level: 'silent' }), random: () => 0.5, retry: { attempts: 4, baseMs: 500, maxMs: 5_000 } });
  const run: RunRecord = { id: 'run-lost-answer', app: 'shop', kind: 'failover', runbook: book.name, from: 'us-east-1', to: 'eu-west-1', trigger: 'manual', reason: 'test', status: 'running', createdAt: clock.now(), steps: pendingSteps(book) };
  let finished: RunRecord | undefined;
  void engine.execute(run, book, { app, from: app.regions[0]!, to: app.regions[1]!, cloud, prober: { round: async () => [] }, clock }).then((r) => (finished = r));
  await clock.advanceUntil(() => finished !== undefined, { stepMs: 100, maxMs: 10 * 60_000 });
  const journal = await store.readJournal(run.id);
  return { run: finished!, journal: journal.map((e) => ({ type: e.type, ...(e.detail ? { data: e.detail } : {}) })) };
}

describe('switch-dns through the engine on the simulated Route 53: a batch that applied though its answer was lost counts as done', () => {
  function simWorld() {
    const clock = new ManualClock();
    const sim = createSimProviders({ clock, delays: { dnsPropagationMs: 2_000 }, random: () => 0.5 });
    seedSimWorld(sim, config);
    return { clock, sim };
  }

  it('applied, answer lost: the retry looks first, sees the records switched, and sends nothing again', async () => {
    const { clock, sim } = simWorld();
    sim.dns.loseNextChangeAnswer('applied');
    const { run, journal } = await runSwitch(clock, sim);
    expect(run.status, run.error).toBe('succeeded');
    expect(sim.cloud.calls.filter((c) => c.operation === 'ChangeResourceRecordSets')).toHaveLength(1);
    expect(journal.find((e) => e.type === 'attempt-failed')?.data).toMatchObject({ error: expect.stringMatching(/ECONNRESET/) });
    expect((await sim.dns.listRecords('Z0SHOP', 'shop.example.com.')).find((r) => r.type === 'CNAME')?.values).toEqual(['shop-eu-west-1.example.com']);
  });

  it('still landing when the answer was lost: the repeat is refused (InvalidChangeBatch), the world shows the switch, the step succeeds', async () => {
    const { clock, sim } = simWorld();
    sim.dns.loseNextChangeAnswer('lands-late');
    const { run, journal } = await runSwitch(clock, sim);
    expect(run.status, run.error).toBe('succeeded');
    const changes = sim.cloud.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');
    expect(changes.map((c) => c.outcome)).toEqual(['ok', 'error']);
    expect(changes[1]!.error).toMatch(/InvalidChangeBatch: \[Tried to delete resource record set \[name='shop\.example\.com\.', type='CNAME'\] but the values provided do not match the current values, Tried to create resource record set \[name='shop\.example\.com\.', type='CNAME'\] but it already exists\]/);
    expect(journal.find((e) => e.type === 'act-succeeded')?.data).toMatchObject({ recoveredFrom: expect.stringMatching(/InvalidChangeBatch/) });
    expect((await sim.dns.listRecords('Z0SHOP', 'shop.example.com.')).find((r) => r.type === 'CNAME')?.values).toEqual(['shop-eu-west-1.example.com']);
  });
});

describe('switch-dns through the engine on the Route 53 adapter (REST-XML over nock, a stateful fake)', () => {
  function awsWorld() {
    const clock: ManualClock = new ManualClock(Date.UTC(2026, 10, 24, 12), () => inflight() > 0);
    const fake = new FakeRoute53({ now: () => clock.now(), propagationMs: 20_000 }).install();
    fake.seed('Z0SHOP', [
      { name: 'shop.example.com.', type: 'CNAME', ttl: 60, values: ['shop-us-east-1.example.com'] },
      { name: ownerRecordName('shop.example.com.'), type: 'TXT', ttl: 300, values: [ownerValue('shop')] },
    ]);
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 3 });
    const sim = createSimProviders({ clock });
    // The limiter has its own tests; here it must never wait on a clock that waits for it.
    const counted = countInflight({ ...sim, dns: new Route53Dns(clients, { clock, requestsPerSecond: 1_000 }) });
    const inflight = counted.inflight;
    return { clock, fake, cloud: counted.cloud, close: () => (fake.close(), clients.destroy()) };
  }
  const cname = (fake: FakeRoute53) => fake.records('Z0SHOP').find((r) => r.type === 'CNAME')?.values;

  it.each<[LostChangeAnswer, number[]]>([
    ['applied', [0]],
    ['lands-late', [0, 400]],
  ])('answer lost (%s): the run succeeds, DNS points at the standby; ChangeResourceRecordSets answers %j', async (what, statuses) => {
    const { clock, fake, cloud, close } = awsWorld();
    try {
      fake.loseNextChangeAnswer(what);
      const { run, journal } = await runSwitch(clock, cloud);
      expect(run.status, run.error).toBe('succeeded');
      const changes = fake.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');
      expect(changes.map((c) => c.status)).toEqual(statuses);
      expect(cname(fake)).toEqual(['shop-eu-west-1.example.com']);
      if (what === 'lands-late') {
        // Route 53's own words, through the SDK's REST-XML error parsing and the adapter's translation.
        expect(journal.find((e) => e.type === 'act-succeeded')?.data).toMatchObject({
          recoveredFrom: expect.stringMatching(/^ChangeResourceRecordSets: InvalidChangeBatch: \[Tried to delete resource record set \[name='shop\.example\.com\.', type='CNAME'\] but the values provided do not match the current values, Tried to create resource record set .* but it already exists\]/),
        });
      }
    } finally {
      close();
    }
  });

  it('a DELETE-only batch whose answer was lost: the repeat is "Tried to delete resource record set ... but it was not found", a ConflictError', async () => {
    const { fake, close } = awsWorld();
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    try {
      const dns = new Route53Dns(clients, { clock: { now: () => 0, sleep: async () => {} }, requestsPerSecond: 1_000 });
      const [record] = await dns.listRecords('Z0SHOP', 'shop.example.com.');
      fake.loseNextChangeAnswer('applied');
      await expect(dns.changeRecords('Z0SHOP', [{ action: 'DELETE', record: record! }], 'remove')).rejects.toMatchObject({ name: 'TransientError' });
      await expect(dns.changeRecords('Z0SHOP', [{ action: 'DELETE', record: record! }], 'remove again')).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(/Tried to delete resource record set \[name='shop\.example\.com\.', type='CNAME'\] but it was not found/),
      });
    } finally {
      clients.destroy();
      close();
    }
  });

  it.each([
    ['Throttling', 'Rate exceeded'],
    ['PriorRequestNotComplete', 'The request was rejected because Route 53 was still processing a prior request.'],
  ])('ChangeResourceRecordSets answered 400 %s: transient, retried after a backoff, then applied once', async (code, message) => {
    const { clock, fake, cloud, close } = awsWorld();
    try {
      fake.refuseNext('ChangeResourceRecordSets', 400, code, message);
      const { run, journal } = await runSwitch(clock, cloud);
      expect(run.status, run.error).toBe('succeeded');
      const changes = fake.calls.filter((c) => c.operation === 'ChangeResourceRecordSets');
      expect(changes.map((c) => c.status)).toEqual([400, 200]);
      // The retry waited (the engine's backoff, on the clock) before it went out.
      expect(changes[1]!.at - changes[0]!.at).toBeGreaterThanOrEqual(250);
      expect(journal.find((e) => e.type === 'attempt-failed')?.data).toMatchObject({ error: expect.stringContaining(`ChangeResourceRecordSets: ${code}: ${message}`) });
      expect(cname(fake)).toEqual(['shop-eu-west-1.example.com']);
    } finally {
      close();
    }
  });
});
