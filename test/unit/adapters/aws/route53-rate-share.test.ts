import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { RateLimiter } from '../../../../src/adapters/aws/rate-limiter.js';
import { Route53Dns } from '../../../../src/adapters/aws/route53-dns.js';
import { route53Options } from '../../../../src/adapters/aws/route53-options.js';
import { ConfigError } from '../../../../src/config/config-error.js';
import { validateConfig } from '../../../../src/config/load-config.js';
import { TransientError } from '../../../../src/errors/errors.js';
import { FakeRoute53 } from '../../../support/fake-route53.js';
import { ManualClock } from '../../../support/manual-clock.js';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => nock.cleanAll());

const ZONE = 'Z0SHARE';

/** A config with one application per region pair, so `regions` distinct regions in all. */
function configOf(regions: string[], route53?: { requestsPerSecond: number }) {
  const pairs = regions.slice(1).map((standby) => [regions[0]!, standby]);
  return validateConfig({
    provider: 'aws',
    ...(route53 ? { route53 } : {}),
    applications: pairs.map((pair, i) => ({
      name: `app${i}`,
      regions: pair.map((name) => ({
        name,
        probes: [{ url: `https://app${i}-${name}.example.com/health` }],
        database: { engine: 'rds', instanceId: `app${i}-db-${name}` },
        compute: { autoScalingGroup: `app${i}-web-${name}`, standbyCapacity: 1, activeCapacity: 2 },
        dns: { hostedZoneId: ZONE, recordName: `app${i}.example.com`, type: 'CNAME', value: `app${i}-${name}.example.com` },
      })),
    })),
  });
}

describe('RateLimiter.perSecond', () => {
  async function startsOf(rate: number, count: number): Promise<number[]> {
    const clock = new ManualClock(0);
    const limiter = RateLimiter.perSecond(clock, rate);
    const starts: number[] = [];
    const all = Array.from({ length: count }, () => limiter.acquire().then(() => starts.push(clock.now())));
    await clock.advanceUntil(() => starts.length === count, { stepMs: 100, maxMs: 60_000 });
    await Promise.all(all);
    return starts;
  }

  it('2.5 per second: the 2 whole requests of each second, so two such shares stay within 5 in every second', async () => {
    expect(await startsOf(2.5, 5)).toEqual([0, 0, 1_000, 1_000, 2_000]);
  });

  it('below one per second: one request per 1/rate seconds', async () => {
    expect(await startsOf(0.5, 3)).toEqual([0, 2_000, 4_000]);
    expect(await startsOf(5 / 6, 3)).toEqual([0, 1_200, 2_400]);
  });

  it('refuses a rate that is not a positive number', () => {
    const clock = new ManualClock(0);
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => RateLimiter.perSecond(clock, rate)).toThrow(RangeError);
  });
});

describe('route53.requestsPerSecond: each stack’s share of the account quota', () => {
  it('defaults to 5 divided by the number of regions in the configuration (one stack per region, one account)', () => {
    expect(configOf(['us-east-1', 'eu-west-1']).route53).toEqual({ requestsPerSecond: 2.5 });
    // Three distinct regions across two applications: three stacks.
    expect(configOf(['us-east-1', 'eu-west-1', 'ap-southeast-2']).route53.requestsPerSecond).toBeCloseTo(5 / 3);
    expect(route53Options(configOf(['us-east-1', 'eu-west-1']), new ManualClock(0))).toMatchObject({ partition: 'aws', requestsPerSecond: 2.5 });
  });

  it('takes an explicit share, and refuses one that is not above 0', () => {
    expect(configOf(['us-east-1', 'eu-west-1'], { requestsPerSecond: 4 }).route53.requestsPerSecond).toBe(4);
    expect(() => configOf(['us-east-1', 'eu-west-1'], { requestsPerSecond: 0 })).toThrow(ConfigError);
  });

  /** Every stack (one Route53Dns each, as each region's process has) sends `burst` GetChange at once to one account. */
  async function burstFromEveryStack(share: number | undefined, stacks: number, burst: number) {
    let started = 0;
    let finished = 0;
    const clock: ManualClock = new ManualClock(0, () => started - finished - clock.pending() > 0);
    // The account: Route 53 answers Throttling past 5 requests in a second, whoever sends them.
    const fake = new FakeRoute53({ now: () => clock.now(), propagationMs: 0, accountRequestsPerSecond: 5 }).install();
    fake.seed(ZONE, [{ name: 'app0.example.com.', type: 'CNAME', ttl: 60, values: ['app0-us-east-1.example.com'] }]);
    const clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    try {
      const { changeId } = await new Route53Dns(clients, { clock, requestsPerSecond: 100 }).changeRecords(
        ZONE,
        [{ action: 'UPSERT', record: { name: 'app0.example.com.', type: 'CNAME', ttl: 60, values: ['app0-eu-west-1.example.com'] } }],
        'seed',
      );
      await clock.advance(1_000);
      fake.calls.length = 0;
      const results: unknown[] = [];
      for (let s = 0; s < stacks; s++) {
        const dns = new Route53Dns(clients, share === undefined ? { clock } : { clock, requestsPerSecond: share });
        for (let i = 0; i < burst; i++) {
          started++;
          void dns
            .getChange(changeId)
            .catch((err: unknown) => err)
            .then((r) => results.push(r))
            .finally(() => finished++);
        }
      }
      await clock.advanceUntil(() => finished === started, { stepMs: 50, maxMs: 60_000 });
      return { results, calls: fake.calls };
    } finally {
      fake.close();
      clients.destroy();
    }
  }

  it('three stacks on their default share (5/3 each: one a second) never meet Throttling together, bursts and all', async () => {
    const config = configOf(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    const { results, calls } = await burstFromEveryStack(config.route53.requestsPerSecond, 3, 4);
    expect(results.filter((r) => r instanceof TransientError)).toEqual([]);
    expect(calls.every((c) => c.status === 200)).toBe(true);
    for (const call of calls) expect(calls.filter((c) => c.at > call.at - 1_000 && c.at <= call.at).length).toBeLessThanOrEqual(5);
  });

  it('three stacks that each take the whole quota (the old per-process limiter) are throttled: Route 53 answers 400 Throttling, a TransientError', async () => {
    const { results, calls } = await burstFromEveryStack(undefined, 3, 4);
    const throttled = results.filter((r): r is TransientError => r instanceof TransientError);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled[0]!.message).toMatch(/^GetChange: Throttling: Rate exceeded/);
    expect(calls.some((c) => c.status === 400)).toBe(true);
  });
});
