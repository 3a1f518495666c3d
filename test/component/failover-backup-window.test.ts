import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { runsOldestFirst, worldLayout } from '../support/world-state.js';
import { judgeRegions } from '../support/warm.js';

const BACKUP_MS = 20 * 60_000;
const FIRST_BACKUP_MS = 30 * 60_000;

/**
 * RDS refuses to promote a replica that is backing up ("a read replica
 * cannot be promoted to a standalone instance when it is in the backing-up
 * status", RDS API Reference, PromoteReadReplica), and a replica promoted
 * with backups turned on reboots and then runs its first backup, during
 * which it already takes writes (RDS User Guide, "Promoting a read replica").
 */
describe('a failover during the standby replica’s backup window (simulated world)', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('waits for the backup, then promotes; DNS moves once the writer has rebooted, not after its first backup', async () => {
    h = await startHarness();
    await judgeRegions(h);
    const { database, cloud } = h.world.providers;
    const standby = h.config.applications[0]!.regions[1]!.database;
    database.postPromotionBackupMs = FIRST_BACKUP_MS;
    database.configure(h.config.applications[0]!.regions[0]!.database, { backupRetentionDays: 7, backupWindow: '03:00-03:30', multiAz: true });
    database.startBackup(standby, BACKUP_MS);
    const backupEndsAt = h.clock.now() + BACKUP_MS;

    const run = await h.controller.failover({ to: 'eu-west-1', reason: 'drill during the backup window', by: 'test-operator' });
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))!.status !== 'running', { stepMs: 1_000, maxMs: 2 * 3600_000 })).toBe(true);
    const finished = (await h.store.getRun(run.id))!;
    expect(finished.status, finished.error).toBe('succeeded');

    // One promotion, sent once the backup was over: none refused, none sent twice.
    const promotions = cloud.calls.filter((c) => c.operation === 'PromoteReadReplica');
    expect(promotions.map((c) => c.outcome)).toEqual(['ok']);
    expect(promotions[0]!.at).toBeGreaterThanOrEqual(backupEndsAt);
    // The writer rebooted after promoteMs and then backed up for FIRST_BACKUP_MS: DNS did not wait for that backup.
    const rebootedAt = promotions[0]!.at + cloud.delays.promoteMs;
    const dnsChange = cloud.calls.find((c) => c.operation === 'ChangeResourceRecordSets' && c.outcome === 'ok')!;
    expect(dnsChange.at).toBeGreaterThanOrEqual(rebootedAt);
    expect(dnsChange.at).toBeLessThan(rebootedAt + FIRST_BACKUP_MS);
    expect(finished.finishedAt!).toBeLessThan(rebootedAt + FIRST_BACKUP_MS);
    const promote = finished.steps.find((s) => s.id === 'promote-standby-database')!;
    expect(promote).toMatchObject({ status: 'succeeded', message: 'writer (backing-up)' });
    // The gate for Aurora's detach fallback needs nobody for an RDS application.
    expect(finished.steps.find((s) => s.id === 'approve-detach-standby-database')).toMatchObject({ status: 'skipped' });

    expect(await worldLayout(h)).toMatchObject({ dnsRegion: 'eu-west-1', regions: { 'eu-west-1': { db: 'writer:backing-up' } } });
    expect(await runsOldestFirst(h)).toHaveLength(1);
    // The old writer's backup retention and window went with the promotion, and Multi-AZ was asked for once it had rebooted.
    expect(database.inspect(standby)).toMatchObject({ backupRetentionDays: 7, backupWindow: '03:00-03:30', multiAz: true });
    expect(cloud.calls.filter((c) => c.operation === 'ModifyDBInstance').map((c) => c.outcome)).toEqual(['ok']);
  });

  it('gives up with a clear error when the replica is still backing up at the deadline, without asking RDS to promote it', async () => {
    h = await startHarness();
    await judgeRegions(h);
    const { database, cloud } = h.world.providers;
    const standby = h.config.applications[0]!.regions[1]!.database;
    database.startBackup(standby, 10 * 3600_000);
    const run = await h.controller.failover({ to: 'eu-west-1', reason: 'drill during a long backup', by: 'test-operator' });
    expect(await h.clock.advanceUntil(async () => (await h.store.getRun(run.id))!.status !== 'running', { stepMs: 5_000, maxMs: 4 * 3600_000 })).toBe(true);
    const finished = (await h.store.getRun(run.id))!;
    expect(finished.status).toBe('failed');
    expect(finished.error).toMatch(/shop-db-eu-west-1 \(eu-west-1\) is still backing-up after 120 min of waiting before promoting it/);
    expect(cloud.calls.filter((c) => c.operation === 'PromoteReadReplica')).toEqual([]);
  });
});
