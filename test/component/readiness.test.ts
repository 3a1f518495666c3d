import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../src/controller/controller.js';
import { runbooks } from '../../runbooks/index.js';
import type { ReadinessCheck } from '../../src/readiness/world-report.js';
import { bearer } from '../support/auth.js';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst } from '../support/world-state.js';

const POLICY = { probeIntervalSeconds: 5, fallThreshold: 3, riseThreshold: 3, rpoSeconds: 60 };

/** Probe until every region is judged healthy (riseThreshold rounds), then watch the world once with readiness. */
async function warm(h: Harness): Promise<void> {
  h.controller.start();
  await h.clock.advance(20_000);
  await h.controller.watchWorld({ readiness: true });
}

async function checksOf(h: Harness): Promise<ReadinessCheck[]> {
  const [app] = await h.controller.readiness();
  return app!.checks;
}

function failing(checks: ReadinessCheck[], id: string, region = 'eu-west-1'): ReadinessCheck | undefined {
  return checks.find((c) => c.id === id && c.region === region && c.status === 'failing');
}

describe('readiness checks', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('are all ok in a ready world, and fail when the replica is gone, its lag is above the RPO, or MaxSize is too small', async () => {
    h = await startHarness({ policy: POLICY });
    await warm(h);
    const ready = await checksOf(h);
    expect(ready.filter((c) => c.status !== 'ok'), JSON.stringify(ready)).toEqual([]);
    expect(ready.map((c) => c.id)).toEqual(expect.arrayContaining(['database-replica', 'database-lag', 'compute-capacity', 'compute-launch', 'standby-endpoint', 'traffic-setup', 'stack-alive']));

    const region = h.config.applications[0]!.regions[1]!;
    h.world.providers.database.setReplicationLag(95);
    await h.controller.watchWorld({ readiness: true });
    expect(failing(await checksOf(h), 'database-lag')?.sentence).toMatch(/lags 95 s behind its writer, above the RPO of 60 s/);

    h.world.providers.database.setReplicationLag(1);
    h.world.providers.compute.setMaxSize({ region: 'eu-west-1', groupName: region.compute.autoScalingGroup }, 1);
    await h.controller.watchWorld({ readiness: true });
    const small = failing(await checksOf(h), 'compute-capacity');
    expect(small?.sentence).toMatch(new RegExp(`MaxSize 1, below activeCapacity ${region.compute.activeCapacity}`));
    expect(small?.fix).toContain(`--max-size ${region.compute.activeCapacity}`);

    // The replica is gone: renamed away, nothing answers to its identifier any more.
    await h.world.providers.database.retire(region.database, 'gone');
    await h.controller.watchWorld({ readiness: true });
    const gone = failing(await checksOf(h), 'database-exists');
    expect(gone?.sentence).toMatch(/does not exist: there is nothing to promote in eu-west-1/);

    // A check that starts failing is notified once, not every evaluation.
    const pages = h.notifier.sent.filter((n) => n.about === 'readiness');
    expect(pages.map((n) => n.decision.reason)).toEqual([
      expect.stringMatching(/database-lag failing for eu-west-1/),
      expect.stringMatching(/compute-capacity failing for eu-west-1/),
      expect.stringMatching(/database-exists failing for eu-west-1/),
    ]);
    await h.controller.watchWorld({ readiness: true });
    expect(h.notifier.sent.filter((n) => n.about === 'readiness')).toHaveLength(3);
  }, 60_000);

  it('are evaluated again once traffic moves: after a failover they are about the way back', async () => {
    h = await startHarness({ policy: POLICY });
    await warm(h);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status === 'succeeded'), { stepMs: 500, maxMs: 120_000 })).toBe(true);
    await h.clock.advance(5_000);
    await h.controller.settled();
    const checks = await checksOf(h);
    expect(new Set(checks.filter((c) => c.id.startsWith('database') || c.id.startsWith('compute')).map((c) => c.region))).toEqual(new Set(['us-east-1']));
    expect(checks.find((c) => c.id === 'database-replica')?.sentence).toMatch(/^a failback rebuilds rds:shop-db-us-east-1 \(us-east-1\) as a replica of eu-west-1/);
    expect(checks.find((c) => c.id === 'standby-endpoint' && c.region === 'us-east-1')?.status).toBe('failing');
  }, 60_000);

  it('fail when another controller stack falls silent: the controllers watch each other', async () => {
    h = await startHarness({ policy: POLICY });
    const other = new Controller({ config: { ...h.config, vantage: 'eu-west-1' }, clock: h.clock, store: h.store, cloud: h.world.providers, prober: h.prober, log: pino({ level: 'silent' }), runbooks });
    await other.init();
    other.start();
    await warm(h);
    expect((await checksOf(h)).filter((c) => c.id === 'stack-alive').map((c) => [c.region, c.status])).toEqual([
      ['eu-west-1', 'ok'],
      ['local', 'ok'],
    ]);
    await other.stop();
    await h.clock.advance(90_000);
    await h.controller.watchWorld({ readiness: true });
    const silent = failing(await checksOf(h), 'stack-alive');
    expect(silent?.sentence).toMatch(/the controller at eu-west-1 has stored no probe round for \d+ s: it has gone silent/);
  }, 60_000);
});

describe('drift', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('flags two writers within one round, with the commands that settle it, on the page and in a notification', async () => {
    h = await startHarness({ policy: POLICY });
    await warm(h);
    expect((await h.controller.readiness())[0]!.drift).toEqual([]);
    // Someone promotes the standby by hand: it takes writes beside the primary.
    await h.world.providers.database.promote(h.config.applications[0]!.regions[1]!.database, 'unplanned');
    await h.clock.advanceUntil(async () => (await h.world.providers.database.describe(h.config.applications[0]!.regions[1]!.database)).role === 'writer', { stepMs: 1000, maxMs: 60_000 });
    await h.clock.advance(5_000);
    await h.controller.settled();
    const [app] = await h.controller.readiness();
    const drift = app!.drift.find((f) => f.id === 'two-writers');
    expect(drift?.sentence).toMatch(/two writers: the database shop-db-eu-west-1 in eu-west-1 and the database in us-east-1 both accept writes/);
    expect(drift?.commands).toContain('aws rds stop-db-instance --db-instance-identifier shop-db-eu-west-1 --region eu-west-1');
    const status = await h.controller.status();
    expect(status.applications[0]!.attention?.[0]).toMatchObject({ kind: 'drift', severity: 'critical' });
    expect(h.notifier.sent.some((n) => n.about === 'drift' && /two-writers/.test(n.decision.reason))).toBe(true);
  }, 60_000);

  it('moves the active region, and the availability ledger, within one round of a DNS change made outside any run', async () => {
    h = await startHarness({ policy: { ...POLICY, automaticFailover: false } });
    await warm(h);
    const app = h.config.applications[0]!;
    // The standby answers 503: once DNS sends traffic there, the rounds are down for the user.
    await h.world.outage('eu-west-1', 'http503');
    await h.clock.advance(10_000);
    const downMs = async () => (await h.store.listAvailability({ app: app.name, fromHour: 0, toHour: h.clock.now() })).reduce((sum, b) => sum + b.downMs, 0);
    expect(await downMs()).toBe(0);
    const { hostedZoneId, recordName } = app.regions[0]!.dns;
    const [record] = (await h.world.providers.dns.listRecords(hostedZoneId, recordName)).filter((r) => r.type === 'CNAME');
    await h.world.providers.dns.changeRecords(hostedZoneId, [{ action: 'UPSERT', record: { ...record!, values: [app.regions[1]!.dns.value!] } }], 'by hand');
    // One round reads the change, the next one acts on it.
    await h.clock.advance(5_000);
    await h.controller.settled();
    await h.clock.advance(5_000);
    expect((await h.controller.status()).applications[0]!.activeRegion).toBe('eu-west-1');
    expect((await h.store.getAppState(app.name))?.activeRegion).toBe('eu-west-1');
    // The round that saw the move books the interval before it as the old region's; the next is the 503 region's.
    await h.clock.advance(5_000);
    expect(await downMs()).toBeGreaterThan(0);
  }, 60_000);
});

describe('pre-flight gates', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('refuse a manual failover into an unhealthy region, naming the checks, and accept it with force, recorded on the run and in the audit trail', async () => {
    h = await startHarness({ policy: { ...POLICY, automaticFailover: false } });
    await warm(h);
    await h.world.outage('eu-west-1', 'http503');
    await h.clock.advance(20_000);
    const api = await h.api();
    const refused = await api.inject({ method: 'POST', url: '/failover', headers: bearer(), payload: { to: 'eu-west-1', reason: 'move' } });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { message: string }).message).toMatch(/^to: eu-west-1 is not ready for a failover: standby-endpoint: eu-west-1 is unhealthy .* send force: true with your reason/);
    expect(await runsOldestFirst(h)).toHaveLength(0);
    const plan = await api.inject({ method: 'POST', url: '/drills', headers: bearer(), payload: { mode: 'plan', to: 'eu-west-1' } });
    expect((plan.json() as { plan: { gate: string[] } }).plan.gate).toEqual([expect.stringMatching(/^standby-endpoint: eu-west-1 is unhealthy/)]);

    const forced = await api.inject({ method: 'POST', url: '/failover', headers: bearer(), payload: { to: 'eu-west-1', reason: 'the database there is what we need', force: true } });
    expect(forced.statusCode).toBe(202);
    const { run } = forced.json() as { run: { id: string; forced: { by: string; reason: string; overridden: string[] } } };
    expect(run.forced).toMatchObject({ reason: 'the database there is what we need', overridden: [expect.stringMatching(/^standby-endpoint: eu-west-1 is unhealthy/)] });
    expect((await h.store.getRun(run.id))?.forced?.by).toBe(run.forced.by);
    const [audit] = await h.store.listAudit({ limit: 1 });
    expect(audit).toMatchObject({ route: '/failover', runId: run.id, statusCode: 202 });
    expect(audit!.body).toContain('force');
    await api.close();
  }, 60_000);

  it('refuse a game day into a standby that is not ready, before any outage is injected', async () => {
    h = await startHarness({ policy: POLICY });
    await warm(h);
    const region = h.config.applications[0]!.regions[1]!;
    h.world.providers.compute.suspendProcesses({ region: 'eu-west-1', groupName: region.compute.autoScalingGroup }, ['Launch']);
    const api = await h.api();
    const refused = await api.inject({ method: 'POST', url: '/drills', headers: bearer(), payload: { mode: 'game-day' } });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as { message: string }).message).toMatch(/eu-west-1 is not ready for a failover: compute-launch: .* has Launch suspended/);
    expect(await h.store.listDrills({ limit: 5 })).toEqual([]);
    // The primary was never broken.
    expect(h.world.regions().find((r) => r.name === 'us-east-1')?.mode).toBe('healthy');
    await api.close();
  }, 60_000);

  it('refuse a failback into a primary that has not been healthy for riseThreshold rounds', async () => {
    h = await startHarness({ policy: POLICY });
    h.controller.start();
    await h.clock.advance(20_000);
    await h.world.outage('us-east-1');
    expect(await h.clock.advanceUntil(async () => (await runsOldestFirst(h)).some((r) => r.status === 'succeeded'), { stepMs: 500, maxMs: 120_000 })).toBe(true);
    await h.world.heal('us-east-1');
    await h.clock.advance(5_000);
    await expect(h.controller.failback({ reason: 'home', by: 'test' })).rejects.toThrow(/us-east-1 is not ready for a failback: standby-endpoint: us-east-1 is (recovering|unhealthy)/);
    await h.clock.advance(20_000);
    const run = await h.controller.failback({ reason: 'home', by: 'test' });
    expect(run.forced).toBeUndefined();
  }, 120_000);
});
