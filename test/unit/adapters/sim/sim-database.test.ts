import { describe, expect, it } from 'vitest';
import { createSimProviders } from '../../../../src/adapters/sim/sim-providers.js';
import { TransientError } from '../../../../src/errors/errors.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { ManualClock } from '../../../support/manual-clock.js';

const WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const REPLICA: DatabaseRef = { engine: 'rds', region: 'eu-west-1', instanceId: 'shop-db-euw1' };

function world() {
  const clock = new ManualClock();
  const sim = createSimProviders({ clock, delays: { promoteMs: 60_000, replicaCreateMs: 120_000 }, random: () => 0.5 });
  sim.database.seed(WRITER, 'writer', undefined, { backupRetentionDays: 7, backupWindow: '03:00-03:30', multiAz: true });
  sim.database.seed(REPLICA, 'replica', WRITER, { backupRetentionDays: 0, multiAz: false });
  return { clock, sim };
}

describe('SimDatabase: RDS promotion as RDS does it', () => {
  it('modifying for promoteMs, then a writer backing up for postPromotionBackupMs, then available; at exact times', async () => {
    const { clock, sim } = world();
    sim.database.postPromotionBackupMs = 30 * 60_000;
    await sim.database.promote(REPLICA, 'unplanned');
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'replica', status: 'modifying' });
    await clock.advance(59_999);
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'replica', status: 'modifying' });
    await clock.advance(1);
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'writer', status: 'backing-up' });
    await clock.advance(30 * 60_000);
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'writer', status: 'available' });
  });

  it('a replica in its backup window reports its lag (it still replicates) and refuses to be promoted', async () => {
    const { sim } = world();
    sim.database.startBackup(REPLICA, 60_000);
    expect(await sim.database.replicaLag(REPLICA)).toBeDefined();
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(/InvalidDBInstanceState: shop-db-euw1 is backing-up/);
  });

  it('a lost answer: the promotion happened (logged ok), the caller hears a reset connection', async () => {
    const { sim } = world();
    sim.database.loseNextAnswer('PromoteReadReplica');
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toBeInstanceOf(TransientError);
    expect(sim.cloud.calls.at(-1)).toMatchObject({ operation: 'PromoteReadReplica', outcome: 'ok' });
    expect(await sim.database.describe(REPLICA)).toMatchObject({ status: 'modifying' });
    await expect(sim.database.promote(REPLICA, 'unplanned')).rejects.toThrow(/InvalidDBInstanceState/);
  });

  it('restoreMultiAz waits for a database that is not serving yet', async () => {
    const { clock, sim } = world();
    await sim.database.promote(REPLICA, 'unplanned');
    expect(await sim.database.restoreMultiAz(REPLICA)).toBe(false);
    await clock.advance(60_000);
    expect(await sim.database.restoreMultiAz(REPLICA)).toBe(true);
    expect(await sim.database.describe(REPLICA)).toMatchObject({ role: 'writer', multiAz: true });
  });

  it('keeps every new fact across a snapshot and restore (a restarted npm start continues the same world)', async () => {
    const { clock, sim } = world();
    sim.database.configure(WRITER, { encrypted: true, allocatedStorageGiB: 800, settings: { subnetGroup: 'shop-use1-private' } });
    sim.database.postPromotionBackupMs = 10 * 60_000;
    await sim.database.promote(REPLICA, 'unplanned');
    const other = createSimProviders({ clock, delays: { promoteMs: 60_000, replicaCreateMs: 120_000 } });
    other.database.restore(JSON.parse(JSON.stringify(sim.database.snapshot())));
    await clock.advance(60_000);
    // The first backup was promised before the restart: it runs after it too.
    expect(await other.database.describe(REPLICA)).toMatchObject({ role: 'writer', status: 'backing-up' });
    expect(await other.database.describe(WRITER)).toMatchObject({ encrypted: true, allocatedStorageGiB: 800, multiAz: true });
    expect(other.database.inspect(WRITER)?.settings).toEqual({ subnetGroup: 'shop-use1-private' });
  });
});
