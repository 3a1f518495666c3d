import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors/errors.js';
import { type Harness, startHarness } from '../support/harness.js';
import { bearer } from '../support/auth.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';
import { judgeRegions } from '../support/warm.js';

/** Run the app until it has `runs` runs and all have ended. */
async function settle(h: Harness, runs: number): Promise<void> {
  const ended = async () => {
    const all = await runsOldestFirst(h);
    return all.length >= runs && all.every((r) => r.status !== 'running');
  };
  expect(await h.clock.advanceUntil(ended, { stepMs: 250, maxMs: 120_000 }), JSON.stringify(await runsOldestFirst(h))).toBe(true);
}

describe('a failover never makes a second writer', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('refuses a manual failover back to the stale old writer, in the API and in the plan, and changes nothing', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: 5, fallThreshold: 3, rpoSeconds: 60 } });
    h.controller.start();
    await h.clock.advance(20_000);
    await h.world.outage('us-east-1');
    await settle(h, 1);
    await h.world.heal('us-east-1');
    await h.clock.advance(30_000);
    const before = await worldLayout(h);
    expect(before.dnsRegion).toBe('eu-west-1');
    expect(before.regions['us-east-1']).toMatchObject({ db: 'writer:available' });

    const api = await h.api();
    const refused = await api.inject({ method: 'POST', url: '/failover', headers: bearer(), payload: { to: 'us-east-1', reason: 'back home' } });
    expect(refused.statusCode).toBe(409);
    const { message } = refused.json() as { message: string };
    expect(message).toContain('rds:shop-db-us-east-1 (us-east-1) is a writer of its own');
    expect(message).toContain('the current writer is in eu-west-1');
    expect(message).toContain('fail back (POST /failback');
    const plan = await api.inject({ method: 'POST', url: '/drills', headers: bearer(), payload: { mode: 'plan', to: 'us-east-1' } });
    expect(plan.statusCode).toBe(200);
    expect((plan.json() as { plan: { refusal?: string } }).plan.refusal).toBe(message.replace(/^to: /, ''));
    // Nothing started, nothing changed.
    expect(await runsOldestFirst(h)).toHaveLength(1);
    expect(await worldLayout(h)).toEqual(before);
    await api.close();

    // The way back is failback: it rebuilds the old writer as a replica first, and ends with one writer.
    await h.controller.failback({ reason: 'back home', by: 'test' });
    await settle(h, 2);
    expect(await worldLayout(h)).toMatchObject({
      dnsRegion: 'us-east-1',
      regions: { 'us-east-1': { db: 'writer:available' }, 'eu-west-1': { db: 'replica:available', replicaOf: 'us-east-1' } },
    });
  }, 60_000);

  it('refuses a failover into a region whose replica follows another writer than the current one', async () => {
    h = await startHarness({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], policy: { probeIntervalSeconds: 5, fallThreshold: 3 } });
    await judgeRegions(h);
    await h.controller.failover({ to: 'eu-west-1', reason: 'planned move', by: 'test' });
    await settle(h, 1);
    const attempt = h.controller.failover({ to: 'ap-southeast-2', reason: 'onwards', by: 'test' });
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow(/replicates us-east-1, not the current writer in eu-west-1/);
    expect((await h.controller.plan({ kind: 'failover', to: 'ap-southeast-2' })).refusal).toMatch(/replicates us-east-1/);
    expect(await runsOldestFirst(h)).toHaveLength(1);
  });

  it('lets a failover that promoted the standby and stopped short of DNS be finished by running it again', async () => {
    h = await startHarness({ policy: { probeIntervalSeconds: 5, fallThreshold: 3 } });
    await judgeRegions(h);
    const fault = h.world.providers.cloud.injectFault({ operation: 'ChangeResourceRecordSets', kind: 'permanent' });
    await h.controller.failover({ to: 'eu-west-1', reason: 'first try', by: 'test' });
    await settle(h, 1);
    const [first] = await runsOldestFirst(h);
    expect(first).toMatchObject({ status: 'failed' });
    expect((await worldLayout(h)).regions['eu-west-1']).toMatchObject({ db: 'writer:available' });
    h.world.providers.cloud.clearFault(fault);

    expect((await h.controller.plan({ kind: 'failover', to: 'eu-west-1' })).refusal).toBeUndefined();
    const again = await h.controller.failover({ to: 'eu-west-1', reason: 'finish it', by: 'test' });
    // A writer has no replication lag to read: the RPO guard asks, and an operator answers.
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(again.id))?.steps[0]?.status === 'running', { stepMs: 250, maxMs: 10_000 })).toBe(true);
    await h.controller.answerApproval({ runId: again.id, decision: 'approve', by: 'test' });
    await settle(h, 2);
    expect((await runsOldestFirst(h)).map((r) => r.status)).toEqual(['failed', 'succeeded']);
    expect((await worldLayout(h)).dnsRegion).toBe('eu-west-1');
  });
});
