import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors/errors.js';
import type { DatabaseProvider, DatabaseRef } from '../../src/ports/database-provider.js';

/** Long enough for any implementation's switchover, failover, detach or rebuild to finish. */
const PLENTY_MS = 2 * 3600_000;

/**
 * An Aurora world for the contract: global database `writer` (us-east-1)
 * with its secondary `replica` (eu-west-1) on the same engine version, and a
 * second global database whose secondary `oddReplica` runs another engine
 * version than its writer.
 */
export interface AuroraContractFixture {
  db: DatabaseProvider;
  refs: { writer: DatabaseRef; replica: DatabaseRef; oddReplica: DatabaseRef };
  advance(ms: number): Promise<void>;
  /** Make a region unreachable (a regional outage) or reachable again. */
  setRegionDown(region: string, down: boolean): void;
  close(): Promise<void> | void;
}

/**
 * What Aurora global databases do that an unplanned failover depends on
 * (Aurora User Guide, "Using switchover or failover in Amazon Aurora Global
 * Database"), the same in the simulation and over AWS's wire format:
 * - with the old primary answering, an unplanned promotion is a switchover
 *   (no data loss; the old primary becomes a secondary);
 * - with its region gone, a failover with data loss; the new writer counts
 *   as soon as it is available; once the region is back, the old primary is
 *   a secondary again and the writes it lost are in a
 *   `rds:unplanned-global-failover-…` snapshot, which can be copied to a
 *   manual one (once);
 * - a second failover while the first runs is refused, and the world shows
 *   the first under way;
 * - across engine versions neither works; the cluster can be detached and
 *   becomes a standalone writer.
 */
export function describeAuroraContract(name: string, setup: () => Promise<AuroraContractFixture> | AuroraContractFixture): void {
  describe(`DatabaseProvider contract, Aurora global databases: ${name}`, () => {
    let f: AuroraContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('switches over when the old primary answers: no data loss, the old primary becomes a secondary', async () => {
      const { writer, replica } = f.refs;
      expect(await f.db.promote(replica, 'unplanned')).toMatchObject({ method: 'switchover' });
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(replica)).toMatchObject({ exists: true, role: 'writer', status: 'available' });
      expect(await f.db.describe(writer)).toMatchObject({ exists: true, role: 'replica', replicaOf: replica.region });
      expect(await f.db.listLostWrites!(writer)).toEqual([]);
    });

    it('fails over with data loss when the old primary is gone; once back, it follows and its lost writes are in a snapshot that can be copied once', async () => {
      const { writer, replica } = f.refs;
      f.setRegionDown(writer.region, true);
      expect(await f.db.promote(replica, 'unplanned')).toMatchObject({ method: 'failover' });
      const repeat = await f.db.promote(replica, 'unplanned').catch((e: unknown) => e);
      expect(repeat).toBeInstanceOf(PermanentError);
      expect((repeat as Error).message).toMatch(/InvalidGlobalClusterStateFault/);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'replica', status: 'promoting' });
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'writer', status: 'available' });

      f.setRegionDown(writer.region, false);
      await f.advance(1_000);
      await f.db.describe(writer);
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(writer)).toMatchObject({ role: 'replica', replicaOf: replica.region, status: 'available' });
      const lost = await f.db.listLostWrites!(writer);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.id).toMatch(new RegExp(`^rds:unplanned-global-failover-${(writer as { clusterId: string }).clusterId}-`));
      expect(lost[0]!.preservedAs).toBeUndefined();
      const copy = await f.db.preserveLostWrites!(writer, lost[0]!.id);
      expect(copy).toMatch(new RegExp(`^${(writer as { clusterId: string }).clusterId}-lost-writes-`));
      expect(await f.db.listLostWrites!(writer)).toEqual([{ id: lost[0]!.id, preservedAs: copy }]);
      await expect(f.db.preserveLostWrites!(writer, lost[0]!.id)).rejects.toBeInstanceOf(PermanentError);
    });

    it('refuses a managed promotion across engine versions (and says so), and detaches the cluster into a standalone writer', async () => {
      const { oddReplica } = f.refs;
      const state = await f.db.describe(oddReplica);
      expect(state).toMatchObject({ role: 'replica', managedPromotionBlocker: expect.stringMatching(/engine versions differ/) });
      await expect(f.db.promote(oddReplica, 'unplanned')).rejects.toBeInstanceOf(PermanentError);
      expect(await f.db.promote(oddReplica, 'unplanned', { detach: true })).toMatchObject({ method: 'detach' });
      await f.advance(PLENTY_MS);
      const detached = await f.db.describe(oddReplica);
      expect(detached).toMatchObject({ exists: true, role: 'writer', status: 'available' });
      expect(detached.replicaOf).toBeUndefined();
    });
  });
}
