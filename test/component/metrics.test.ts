import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { bearer } from '../support/auth.js';
import { runsOldestFirst } from '../support/world-state.js';

const INTERVAL_MS = 5_000;
const FALL = 3;

/** The value of the one sample of `series` (a metric name with its labels as the exposition writes them). */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the controller’s metrics at GET /metrics (simulated world, simulated time)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('needs a viewer’s credential, and is absent from an API built without metrics', async () => {
    h = await startHarness({ metrics: true });
    const api = await h.api();
    expect((await api.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const ok = await api.inject({ method: 'GET', url: '/metrics', headers: bearer('viewer') });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await api.inject({ method: 'GET', url: '/metrics?x=1', headers: bearer('viewer') })).statusCode).toBe(400);
    await api.close();
    await h.close();
    h = await startHarness();
    const without = await h.api();
    expect((await without.inject({ method: 'GET', url: '/metrics', headers: bearer('viewer') })).statusCode).toBe(404);
    await without.close();
  });

  it('after an outage and an automatic failover: probes, states, one failover decided and run, its detection latency, readiness, budget', async () => {
    h = await startHarness({ metrics: true, policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: FALL } });
    const api = await h.api();
    const scrape = async () => (await api.inject({ method: 'GET', url: '/metrics', headers: bearer('viewer') })).body;
    h.controller.start();
    await h.clock.advance(30_000);
    await h.controller.watchWorld({ readiness: true });
    let body = await scrape();
    expect(sample(body, 'failover_probes_total{app="shop",region="us-east-1",vantage="local",outcome="ok"}')).toBe(7);
    expect(sample(body, 'failover_region_state{app="shop",region="us-east-1",state="healthy"}')).toBe(1);
    expect(sample(body, 'failover_readiness_failing_checks{app="shop"}')).toBe(0);
    expect(sample(body, 'failover_readiness_check_status{app="shop",region="eu-west-1",check="database-replica",status="ok"}')).toBe(1);
    expect(sample(body, 'failover_error_budget_remaining_ratio{app="shop",window="24h"}')).toBe(1);
    // The counters an operator alerts on exist at 0 before their first event, so that increase() sees it.
    expect(sample(body, 'failover_runs_total{app="shop",kind="failover",trigger="automatic",outcome="succeeded"}')).toBe(0);
    expect(sample(body, 'failover_decisions_total{app="shop",action="failover"}')).toBe(0);

    await h.clock.advance(1);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status !== 'running'), { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const [run] = await runsOldestFirst(h);
    body = await scrape();
    expect(sample(body, 'failover_runs_total{app="shop",kind="failover",trigger="automatic",outcome="succeeded"}')).toBe(1);
    expect(sample(body, 'failover_decisions_total{app="shop",action="failover"}')).toBe(1);
    // Detection: the fall-th failed round, at most FALL intervals after the outage began (its first failed probe counts from 0).
    const detected = sample(body, 'failover_detection_latency_seconds_sum{app="shop",region="us-east-1"}')!;
    expect(detected).toBeGreaterThanOrEqual(((FALL - 1) * INTERVAL_MS) / 1000);
    expect(detected).toBeLessThanOrEqual((run!.createdAt - run!.outageStartedAt!) / 1000);
    expect(sample(body, 'failover_probes_total{app="shop",region="us-east-1",vantage="local",outcome="refused"}')).toBeGreaterThanOrEqual(FALL);
    expect(sample(body, 'failover_step_duration_seconds_count{app="shop",kind="failover",step="promote-standby-database",outcome="succeeded"}')).toBe(1);
    expect(sample(body, 'failover_dns_switch_seconds_count{app="shop",region="eu-west-1",mode="records"}')).toBe(1);
    expect(sample(body, 'failover_region_active{app="shop",region="eu-west-1"}')).toBe(1);
    expect(sample(body, 'failover_region_state{app="shop",region="us-east-1",state="unhealthy"}')).toBe(1);
    // The outage spent some of the 24 h error budget.
    expect(sample(body, 'failover_error_budget_remaining_ratio{app="shop",window="24h"}')).toBeLessThan(1);
    expect(sample(body, 'failover_round_duration_seconds_count{vantage="local"}')).toBeGreaterThan(10);
    await api.close();
  });

  it('a failover retried after a failed run is one outage detected, and two runs counted by outcome', async () => {
    h = await startHarness({ metrics: true, policy: { probeIntervalSeconds: INTERVAL_MS / 1000, fallThreshold: FALL } });
    const api = await h.api();
    h.controller.start();
    await h.clock.advance(30_000);
    h.world.providers.cloud.injectFault({ operation: 'PromoteReadReplica', kind: 'permanent', times: 1 });
    await h.world.outage('us-east-1');
    const twoEnded = async () => (await runsOldestFirst(h)).filter((r) => r.status !== 'running').length === 2;
    expect(await h.clock.advanceUntil(twoEnded, { stepMs: 250, maxMs: 240_000 })).toBe(true);
    expect((await runsOldestFirst(h)).map((r) => [r.status, r.outageStartedAt === undefined])).toEqual([
      ['failed', false],
      ['succeeded', false],
    ]);
    const body = (await api.inject({ method: 'GET', url: '/metrics', headers: bearer('viewer') })).body;
    expect(sample(body, 'failover_detection_latency_seconds_count{app="shop",region="us-east-1"}')).toBe(1);
    expect(sample(body, 'failover_runs_total{app="shop",kind="failover",trigger="automatic",outcome="failed"}')).toBe(1);
    expect(sample(body, 'failover_runs_total{app="shop",kind="failover",trigger="automatic",outcome="succeeded"}')).toBe(1);
    await api.close();
  });

  it('counts rounds that fail (the store refuses) as errors, not as rounds: the dead man’s switch sees them stop', async () => {
    h = await startHarness({ metrics: true, policy: { probeIntervalSeconds: INTERVAL_MS / 1000 } });
    const api = await h.api();
    const scrape = async () => (await api.inject({ method: 'GET', url: '/metrics', headers: bearer('viewer') })).body;
    h.controller.start();
    await h.clock.advance(10_000);
    const rounds = sample(await scrape(), 'failover_round_duration_seconds_count{vantage="local"}')!;
    expect(rounds).toBe(3);
    h.store.putObservations = () => Promise.reject(new Error('ResourceNotFoundException: table gone'));
    await h.clock.advance(20_000);
    const body = await scrape();
    expect(sample(body, 'failover_round_duration_seconds_count{vantage="local"}')).toBe(rounds);
    expect(sample(body, 'failover_round_errors_total{vantage="local"}')).toBe(4);
    await api.close();
  });
});
