import { afterEach, describe, expect, it } from 'vitest';
import { RunInProgressError } from '../../src/errors/errors.js';
import { type Harness, startHarness } from '../support/harness.js';
import { judgeRegions } from '../support/warm.js';
import { bearer } from '../support/auth.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

describe('regional-failover under cloud faults (simulated time)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const failoverAndWait = async () => {
    // Its pre-flight reads retry a throttled call on the (manual) clock too: move time while it is asked.
    let run: Awaited<ReturnType<Harness['controller']['failover']>> | undefined;
    const asked = h.controller.failover({ to: 'eu-west-1', reason: 'fault drill', by: 'test-operator' }).then((r) => (run = r));
    await h.clock.advanceUntil(() => run !== undefined, { stepMs: 50, maxMs: 60_000 });
    await asked;
    const started = run!;
    await h.clock.advanceUntil(async () => (await h.store.getRun(started.id))!.status !== 'running', { stepMs: 250, maxMs: 10 * 60_000 });
    return (await h.store.getRun(started.id))!;
  };

  it.each([1, 42, 777, 2026, 31337])('completes when 30 percent of cloud calls fail transiently, and issues each mutation once (seed %i)', async (start) => {
    let seed = start;
    // A small deterministic generator, so a failure here can be replayed.
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    h = await startHarness({ cloudRandom: random });
    await judgeRegions(h);
    h.world.providers.cloud.injectFault({ operation: '*', kind: 'transient', probability: 0.3 });
    const run = await failoverAndWait();
    expect(run.status, run.error).toBe('succeeded');
    const cloud = h.world.providers.cloud;
    expect(cloud.calls.filter((c) => c.outcome === 'error').length).toBeGreaterThan(0);
    expect(cloud.succeeded('PromoteReadReplica')).toHaveLength(1);
    expect(cloud.succeeded('ChangeResourceRecordSets')).toHaveLength(1);
    expect(cloud.succeeded('UpdateAutoScalingGroup')).toHaveLength(1);
    h.world.providers.cloud.clearFault();
    expect(await worldLayout(h)).toMatchObject({ dnsRegion: 'eu-west-1', regions: { 'eu-west-1': { db: 'writer:available', desired: 4, inService: 4 } } });
  });

  it('ends failed with a clear report on a permanent fault, and leaves DNS unchanged', async () => {
    h = await startHarness();
    await judgeRegions(h);
    h.world.providers.cloud.injectFault({ operation: 'PromoteReadReplica', kind: 'permanent' });
    const run = await failoverAndWait();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^failed at promote-standby-database: PromoteReadReplica: AccessDenied \(injected fault\)\./);
    expect(run.error).toMatch(/not done: switch-dns-to-standby, verify-application-in-standby$/);
    expect(h.world.providers.cloud.calls.filter((c) => c.operation === 'ChangeResourceRecordSets')).toEqual([]);
    expect((await worldLayout(h)).dnsRegion).toBe('us-east-1');
    expect((await h.controller.status()).applications[0]!.activeRegion).toBe('us-east-1');
  });

  it('100 concurrent triggers, from the API and the loop, produce exactly one run', async () => {
    h = await startHarness();
    h.controller.start();
    await h.clock.advance(30_000);
    const api = await h.api();
    await h.world.outage('us-east-1');
    // Let the loop detect the outage while operators hammer the API.
    const requests = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0 ? api.inject({ method: 'POST', url: '/failover', headers: bearer('operator'), payload: { to: 'eu-west-1', reason: `click ${i}` } }) : h.controller.failover({ to: 'eu-west-1', reason: `call ${i}`, by: 'test-operator' }).then(() => 202, (e: unknown) => e),
    );
    const advancing = h.clock.advance(20_000);
    const results = await Promise.all(requests);
    await advancing;
    await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).every((r) => r.status !== 'running'), { stepMs: 250, maxMs: 60_000 });
    const runs = await runsOldestFirst(h);
    expect(runs).toHaveLength(1);
    const codes = results.map((r) => (typeof r === 'object' && r !== null && 'statusCode' in r ? r.statusCode : r instanceof RunInProgressError ? 409 : r));
    expect(codes.filter((c) => c === 202)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(99);
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toHaveLength(1);
    await api.close();
  });
});
