import { afterEach, describe, expect, it } from 'vitest';
import { caughtUpFromSamples } from '../../src/lag/caught-up.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';

/**
 * Lag semantics end to end in the simulated world (simulated time, real
 * probes and the real replication endpoint on loopback): PostgreSQL's
 * ReplicaLag on an idle primary, MySQL's -1, the heartbeat source, and
 * failback's wait after the write freeze.
 */
describe('replication lag in the simulated world', () => {
  let h: Harness;
  afterEach(async () => h?.close());
  const ended = async () => {
    const runs = await runsOldestFirst(h);
    return runs.length > 0 && runs.every((r) => r.status !== 'running');
  };
  const guardOf = async () => (await runsOldestFirst(h))[0]!.steps.find((s) => s.id === 'check-data-loss-within-rpo')!;

  it('PostgreSQL on an idle primary with the heartbeat source: the failover passes the RPO guard by itself, and failback\'s wait compares heartbeat positions', async () => {
    h = await startHarness({ engineFamily: 'postgres', heartbeat: true });
    const { database } = h.world.providers;
    // Idle for an hour: the replica's ReplicaLag climbs to 300 s and falls back, with nothing to lose.
    database.replication.setWriterIdle(true, h.clock.now() - 3_600_000);
    h.controller.start();
    await h.clock.advance(60_000);
    const standby = h.config.applications[0]!.regions[1]!;
    const idleLag = await database.replicaLag(standby.database);
    expect(Math.max(...idleLag!.points.map((p) => p.seconds))).toBeGreaterThan(250);

    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(ended, { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const [failover] = await runsOldestFirst(h);
    expect(failover).toMatchObject({ kind: 'failover', status: 'succeeded' });
    const guard = await guardOf();
    expect(guard.status).toBe('skipped');
    expect(guard.message).toMatch(/^no approval needed: estimated data loss up to \d(\.\d)? s of writes \(heartbeat: the replica had replayed the writer's heartbeat of .* from http:\/\/127\.0\.0\.1:\d+\/replication; the outage began at .*\); RPO 60 s$/);

    await h.world.heal('us-east-1');
    await h.clock.advance(60_000);
    const back = await h.controller.failback({ reason: 'primary healthy again', by: 'test-operator' });
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(back.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const finished = (await h.store.getRun(back.id))!;
    expect(finished.status, finished.error).toBe('succeeded');
    const wait = finished.steps.find((s) => s.id === 'wait-original-replica-caught-up')!;
    // Caught up at its first look: the write freeze came before it, and the idle writer had nothing more to send.
    expect(wait.message).toMatch(/^already done: caught up: replica replayed the heartbeat of \S+, the writer's newest is \S+, writes frozen since \S+$/);
    expect((await worldLayout(h)).dnsRegion).toBe('us-east-1');
    // ReplicaLag alone would not say so of a replica of this idle writer (the standby, rebuilt last): it climbs while nothing is written.
    const rebuiltLag = await database.replicaLag(standby.database);
    expect(caughtUpFromSamples(rebuiltLag, { since: rebuiltLag!.at, maxLagSeconds: 1 })).toMatchObject({ done: false, current: expect.stringMatching(/^lag ReplicaLag \d+(\.\d+)? s at /) });
  });

  it('failback with a steady apply lag and the heartbeat beating on through the freeze: the wait holds until the replica replayed a heartbeat from after it', async () => {
    h = await startHarness({ engineFamily: 'mysql', heartbeat: true });
    h.world.providers.database.setReplicationLag(3);
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(ended, { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await guardOf()).message).toMatch(/^no approval needed: estimated data loss up to \d+(\.\d)? s of writes \(heartbeat: /);
    await h.world.heal('us-east-1');
    await h.clock.advance(60_000);
    const back = await h.controller.failback({ reason: 'primary healthy again', by: 'test-operator' });
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(back.id))!.status !== 'running', { stepMs: 250, maxMs: 120_000 })).toBe(true);
    const finished = (await h.store.getRun(back.id))!;
    expect(finished.status, finished.error).toBe('succeeded');
    // Not caught up at its first look (3 s behind a moving heartbeat): it waited, then saw it.
    expect(finished.steps.find((s) => s.id === 'wait-original-replica-caught-up')).toMatchObject({ status: 'succeeded', message: expect.stringMatching(/^caught up: replica replayed the heartbeat of /) });
    const journal = await h.store.readJournal(back.id);
    expect(journal.filter((e) => e.stepId === 'wait-original-replica-caught-up').map((e) => e.type)).toEqual(['step-started', 'step-succeeded']);
  });

  it('PostgreSQL on an idle primary with CloudWatch only: the guard asks a person, showing the samples from before the outage and why they are no data loss', async () => {
    h = await startHarness({ engineFamily: 'postgres' });
    h.world.providers.database.replication.setWriterIdle(true, h.clock.now() - 3_600_000);
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    await h.clock.advance(60_000);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ status: 'running' });
    expect((await guardOf()).status).toBe('running');
    const request = (await h.store.readJournal(run!.id)).find((e) => e.type === 'approval-requested');
    const reason = String(request?.detail?.['reason']);
    expect(reason).toMatch(/^promotion of rds:shop-db-eu-west-1 \(eu-west-1\) needs approval: estimated data loss up to \d+(\.\d+)? s of writes \(ReplicaLag before the outage began at \S+: \d/);
    expect(reason).toContain("PostgreSQL's ReplicaLag is the time since the last replayed transaction, so an idle primary shows lag that is no data loss");
    expect(reason).toContain(': above the RPO');
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);
  });

  it('MySQL healthy until the outage: the -1 datapoints after it do not stop the failover at the gate', async () => {
    h = await startHarness({ engineFamily: 'mysql' });
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(ended, { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await runsOldestFirst(h))[0]).toMatchObject({ kind: 'failover', status: 'succeeded' });
    const guard = await guardOf();
    expect(guard.status).toBe('skipped');
    expect(guard.message).toMatch(/^no approval needed: estimated data loss up to 0 s of writes \(ReplicaLag before the outage began at \S+: 0 s at .*; \d+ datapoints from then on not counted\); RPO 60 s$/);
  });

  it('a manual failover from a failing MySQL primary counts from its first failed round, as an automatic one does: the guard passes by itself', async () => {
    h = await startHarness({ engineFamily: 'mysql', policy: { automaticFailover: false } });
    h.controller.start();
    await h.clock.advance(60_000);
    await h.world.outage('us-east-1');
    // The operator is paged a minute later; the replica has published -1 all along.
    await h.clock.advance(60_000);
    const failingSince = (await h.controller.status()).applications[0]!.regions.find((r) => r.name === 'us-east-1');
    expect(failingSince).toBeDefined();
    const run = await h.controller.failover({ to: 'eu-west-1', reason: 'paged: us-east-1 is down', by: 'test-operator' });
    expect(run.outageStartedAt).toBeLessThan(run.createdAt - 50_000);
    expect(await h.clock.advanceUntil(ended, { stepMs: 250, maxMs: 120_000 })).toBe(true);
    expect((await h.store.getRun(run.id))!.status).toBe('succeeded');
    expect((await guardOf()).message).toMatch(/^no approval needed: estimated data loss up to 0 s of writes \(ReplicaLag before the outage began at /);
  });

  it('MySQL with replication stopped before the outage: the estimate says replication was not running, and the gate asks a person', async () => {
    h = await startHarness({ engineFamily: 'mysql' });
    h.controller.start();
    await h.clock.advance(60_000);
    h.world.providers.database.replication.setReplicationStopped(h.clock.now() - 30_000);
    await h.world.outage('us-east-1');
    await h.clock.advance(60_000);
    const [run] = await runsOldestFirst(h);
    expect(run).toMatchObject({ status: 'running' });
    const request = (await h.store.readJournal(run!.id)).find((e) => e.type === 'approval-requested');
    expect(String(request?.detail?.['reason'])).toMatch(
      /^promotion of rds:shop-db-eu-west-1 \(eu-west-1\) needs approval: replication not running before the outage: ReplicaLag -1 \(replication not active; MySQL's Seconds_Behind_Master NULL\) in \d+ datapoints from \S+ to \S+, the outage began at \S+: the replica may lack every write since replication stopped/,
    );
    expect(h.world.providers.cloud.succeeded('PromoteReadReplica')).toEqual([]);
  });
});
