import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../src/config/load-config.js';
import type { AppConfig } from '../../../../src/config/types.js';
import { readHeartbeat } from '../../../../src/lag/heartbeat-reader.js';
import type { LagSample } from '../../../../src/ports/database-provider.js';
import type { HeartbeatRequest } from '../../../../src/ports/prober.js';
import type { RunbookNode, StepContext, StepDefinition } from '../../../../src/runbook/step.js';
import { rpoGuard } from '../../../../src/runbook/steps/rpo-guard.js';
import { waitForReplicaCaughtUp } from '../../../../src/runbook/steps/wait-replica-caught-up.js';
import { runFixture } from '../../../support/run-fixture.js';

const T = Date.UTC(2026, 10, 24, 12, 0, 0);
const OUTAGE = T + 60_000;

/** shop in us-east-1 → eu-west-1, each database with `lag` as given. */
function app(lag: (region: string) => Record<string, unknown>): AppConfig {
  return validateConfig({
    applications: [
      {
        name: 'shop',
        policy: { probeIntervalSeconds: 5, rpoSeconds: 60, maxLagSampleAgeSeconds: 300 },
        regions: ['us-east-1', 'eu-west-1'].map((name) => ({
          name,
          probes: [{ url: `http://127.0.0.1:1/${name}` }],
          database: { engine: 'rds', instanceId: `db-${name}`, ...lag(name) },
          compute: { autoScalingGroup: `asg-${name}`, standbyCapacity: 1, activeCapacity: 2 },
          dns: { hostedZoneId: 'Z1', recordName: 'shop.example.com', type: 'CNAME', value: `${name}.example.com` },
        })),
      },
    ],
  }).applications[0]!;
}

/** One-second datapoints ending at `lastAt`. */
function sample(values: number[], lastAt: number): LagSample {
  return { at: lastAt, points: values.map((seconds, i) => ({ at: lastAt - (values.length - 1 - i) * 1_000, seconds })), periodSeconds: 1, metric: 'ReplicaLag' };
}

function context(a: AppConfig, options: { lag?: LagSample; now: number; run?: Parameters<typeof runFixture>[0] }): StepContext {
  return {
    run: runFixture({ createdAt: options.now, ...options.run }),
    app: a,
    from: a.regions[0]!,
    to: a.regions[1]!,
    cloud: { database: { replicaLag: async () => options.lag } },
    // The heartbeat read as the HTTP prober reads it (src/probes/http-prober.ts), on this test's clock.
    prober: { round: async () => [], heartbeat: (r: HeartbeatRequest) => readHeartbeat(r.url, { ...r, now: () => options.now }) },
    clock: { now: () => options.now, sleep: async () => undefined },
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    actInFlight: false,
  } as unknown as StepContext;
}

function stepOf(node: RunbookNode): StepDefinition {
  if (node.kind !== 'step') throw new Error('not a step');
  return node.step;
}

const guard = stepOf(rpoGuard({ id: 'check-data-loss-within-rpo', title: 'RPO', side: 'to' }));

/** Replication endpoints on loopback: per path, the heartbeat to serve (or a status); every request is logged. */
let server: Server | undefined;
const served: string[] = [];
async function endpoints(answers: Record<string, { heartbeatAt?: number; role?: string; status?: number }>): Promise<(path: string) => string> {
  served.length = 0;
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    const a = answers[req.url ?? ''] ?? { status: 404 };
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(a.heartbeatAt !== undefined ? { heartbeatAt: new Date(a.heartbeatAt).toISOString(), ...(a.role ? { role: a.role } : {}) } : {}));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return (path) => `http://127.0.0.1:${port}${path}`;
}
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('the RPO guard step', () => {
  it('passes by itself for a MySQL replica healthy until the outage, whose datapoints read -1 after it', async () => {
    const a = app(() => ({ engineFamily: 'mysql' }));
    // The region went down within the probe interval before its first failed round (OUTAGE): -1 from then on.
    const lag = sample([...Array<number>(57).fill(0), ...Array<number>(23).fill(-1)], OUTAGE + 20_000);
    const seen = await guard.observe(context(a, { lag, now: OUTAGE + 20_000, run: { outageStartedAt: OUTAGE } }));
    expect(seen.done).toBe(true);
    expect(seen.current).toMatch(/^estimated data loss up to 0 s of writes \(ReplicaLag before the outage began at 2026-11-24T12:01:00Z: 0 s at 12:00:54Z, .* datapoints from then on not counted\); RPO 60 s$/);
  });

  it('asks a person when replication was not running before the outage, and its reason shows the evidence', async () => {
    const a = app(() => ({ engineFamily: 'mysql' }));
    const lag = sample([...Array<number>(20).fill(0), ...Array<number>(60).fill(-1)], OUTAGE + 20_000);
    const ctx = context(a, { lag, now: OUTAGE + 20_000, run: { outageStartedAt: OUTAGE } });
    expect((await guard.observe(ctx)).done).toBe(false);
    expect(await guard.approval!.reason(ctx)).toMatch(/^promotion of rds:db-eu-west-1 \(eu-west-1\) needs approval: replication not running before the outage: ReplicaLag -1 .* from 12:00:21Z to 12:00:54Z/);
  });

  it('with the heartbeat source, estimates from the replica\'s replayed heartbeat, not from an idle PostgreSQL\'s ReplicaLag', async () => {
    const url = await endpoints({ '/eu': { heartbeatAt: OUTAGE - 2_000, role: 'replica' } });
    const a = app((region) => ({ engineFamily: 'postgres', lag: { source: 'heartbeat', url: url(region === 'eu-west-1' ? '/eu' : '/us') } }));
    const idle = sample(Array.from({ length: 80 }, (_, i) => 200 + i), OUTAGE + 20_000);
    const seen = await guard.observe(context(a, { lag: idle, now: OUTAGE + 20_000, run: { outageStartedAt: OUTAGE } }));
    expect(seen.done).toBe(true);
    expect(seen.current).toBe(
      `estimated data loss up to 2 s of writes (heartbeat: the replica had replayed the writer's heartbeat of 12:00:58Z when read at 12:01:20Z from ${url('/eu')}; the outage began at 2026-11-24T12:01:00Z); RPO 60 s`,
    );
    expect(served).toEqual(['/eu']);
  });

  it('falls back to CloudWatch, and says so, when the heartbeat cannot be read or comes from the writer', async () => {
    const url = await endpoints({ '/down': { status: 503 }, '/writer': { heartbeatAt: OUTAGE, role: 'writer' } });
    const lag = sample(Array<number>(80).fill(0), OUTAGE + 20_000);
    for (const [path, why] of [
      ['/down', 'HTTP 503'],
      ['/writer', 'the endpoint says its database is the writer, not the replica'],
    ] as const) {
      const a = app(() => ({ lag: { source: 'heartbeat', url: url(path) } }));
      const seen = await guard.observe(context(a, { lag, now: OUTAGE + 20_000, run: { outageStartedAt: OUTAGE } }));
      expect(seen.done).toBe(true);
      expect(seen.current).toMatch(new RegExp(`^heartbeat unreadable at ${url(path)} \\(${why}\\), CloudWatch instead: estimated data loss up to 0 s of writes \\(ReplicaLag before`));
    }
  });
});

describe('the wait for a caught-up replica (failback, after the write freeze)', () => {
  const wait = stepOf(waitForReplicaCaughtUp({ id: 'wait-original-replica-caught-up', title: 'wait', side: 'to', maxLagSeconds: 1 }));
  const started = (at: number) => ({ kind: 'failback' as const, steps: [{ id: 'wait-original-replica-caught-up', title: 'wait', status: 'running' as const, startedAt: at }] });

  it('with heartbeats in both regions, compares positions: the replica read first, then the writer', async () => {
    const url = await endpoints({ '/to': { heartbeatAt: T + 5_000, role: 'replica' }, '/from': { heartbeatAt: T + 5_000, role: 'writer' } });
    const a = app((region) => ({ engineFamily: 'postgres', lag: { source: 'heartbeat', url: url(region === 'eu-west-1' ? '/to' : '/from') } }));
    // Failback: from us-east-1 (the writer now) back to eu-west-1 here, as `to`; an idle PostgreSQL's ReplicaLag would never say so.
    const ctx = context(a, { lag: sample([250], T + 9_000), now: T + 9_000, run: started(T + 8_000) });
    const seen = await wait.observe(ctx);
    expect(seen).toMatchObject({ done: true, current: "caught up: replica replayed the heartbeat of 12:00:05Z, the writer's newest is 12:00:05Z, writes frozen since 12:00:08Z", desired: "replayed the writer's heartbeat as of the write freeze (us-east-1)" });
    expect(served).toEqual(['/to', '/from']);
  });

  it('is not caught up while the replica\'s heartbeat is behind the writer\'s', async () => {
    const url = await endpoints({ '/to': { heartbeatAt: T + 3_000 }, '/from': { heartbeatAt: T + 5_000 } });
    const a = app((region) => ({ lag: { source: 'heartbeat', url: url(region === 'eu-west-1' ? '/to' : '/from') } }));
    expect(await wait.observe(context(a, { now: T + 9_000, run: started(T + 8_000) }))).toMatchObject({ done: false, current: expect.stringMatching(/^2\.0 s of heartbeats behind/) });
  });

  it('with CloudWatch only, needs a datapoint from after the step began, a lag and not -1', async () => {
    const a = app(() => ({}));
    const since = T + 8_500;
    const before = await wait.observe(context(a, { lag: sample([0, 0], T + 8_000), now: T + 9_000, run: started(since) }));
    expect(before).toMatchObject({ done: false, current: 'waiting for a ReplicaLag datapoint from 12:00:08.500Z on (the newest is 0 s at 12:00:08Z)' });
    expect(await wait.observe(context(a, { lag: sample([0, 0], T + 9_000), now: T + 9_000, run: started(since) }))).toMatchObject({ done: true, desired: 'a lag datapoint from after the write freeze of at most 1 s' });
    expect((await wait.observe(context(a, { lag: sample([0, -1], T + 9_000), now: T + 9_000, run: started(since) }))).done).toBe(false);
  });

  it('falls back to CloudWatch when a heartbeat cannot be read', async () => {
    const url = await endpoints({ '/to': { heartbeatAt: T + 5_000 }, '/from': { status: 503 } });
    const a = app((region) => ({ lag: { source: 'heartbeat', url: url(region === 'eu-west-1' ? '/to' : '/from') } }));
    const seen = await wait.observe(context(a, { lag: sample([0], T + 9_000), now: T + 9_000, run: started(T + 8_000) }));
    expect(seen).toMatchObject({ done: true, current: `heartbeat unreadable at ${url('/from')} (HTTP 503), CloudWatch instead: caught up: ReplicaLag 0 s at 12:00:09Z` });
  });
});
