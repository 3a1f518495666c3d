import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors/errors.js';
import type { DatabaseProvider, DatabaseRef, DatabaseState } from '../../src/ports/database-provider.js';

/** Long enough for any implementation's promotion, creation, backup or rename to finish. */
const PLENTY_MS = 60 * 60_000;
/** The step in which the state sequences are sampled. */
const TICK_MS = 30_000;

/**
 * An RDS world for the contract: `writer` (us-east-1; backup retention 7
 * days, window 03:00-03:30, Multi-AZ) and its cross-region `replica`
 * (eu-west-1; backups off, with the settings `settingsOf` reads), plus an
 * encrypted writer with no replica. A promotion that turns backups on runs a
 * first backup after the reboot.
 */
export interface RdsContractFixture {
  db: DatabaseProvider;
  refs: { writer: DatabaseRef; replica: DatabaseRef; encryptedWriter: DatabaseRef };
  /** Let `ms` of the implementation's time pass. */
  advance(ms: number): Promise<void>;
  /** Put a database in its backup window for `ms`. */
  startBackup(ref: DatabaseRef, ms: number): void;
  /** Where and how an instance is set up (subnet group, security groups, groups, class, storage, monitoring, tags), normalised for comparison. */
  settingsOf(ref: DatabaseRef): Record<string, unknown> | undefined;
  close(): Promise<void> | void;
}

function withId(ref: DatabaseRef, id: string, extra: Partial<Extract<DatabaseRef, { engine: 'rds' }>> = {}): DatabaseRef {
  if (ref.engine !== 'rds') throw new Error('an RDS ref');
  return { ...ref, instanceId: id, ...extra };
}

/** The states a database goes through while time passes, consecutive repeats folded. */
async function sequence(f: RdsContractFixture, ref: DatabaseRef, totalMs: number): Promise<string[]> {
  const seen: string[] = [];
  const note = (s: DatabaseState) => {
    const label = `${s.role}:${s.status}`;
    if (seen.at(-1) !== label) seen.push(label);
  };
  note(await f.db.describe(ref));
  for (let t = 0; t < totalMs; t += TICK_MS) {
    await f.advance(TICK_MS);
    note(await f.db.describe(ref));
  }
  return seen;
}

/**
 * What RDS instances do that a failover on a real account depends on, the
 * same in the simulation and over AWS's wire format:
 * - a replica in its backup window cannot be promoted (RDS API Reference,
 *   PromoteReadReplica: "cannot be promoted … when it is in the backing-up
 *   status"); once the backup ends it can;
 * - a promotion reboots the replica and, when it turns backups on, runs a
 *   first backup during which the new writer already serves (backing-up);
 * - the new writer gets the old writer's backup retention and window, and
 *   Multi-AZ on request;
 * - a repeated promotion is refused while the first is under way, and the
 *   world shows the first;
 * - a cross-region replica of an encrypted writer needs a KMS key of its
 *   region (RDS API Reference, CreateDBInstanceReadReplica, KmsKeyId);
 * - a replica rebuilt in place of a retired instance takes its settings,
 *   and is refused when that instance is not there.
 */
export function describeRdsInstanceContract(name: string, setup: () => Promise<RdsContractFixture> | RdsContractFixture): void {
  describe(`DatabaseProvider contract, RDS instances: ${name}`, () => {
    let f: RdsContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('refuses to promote a replica in its backup window (InvalidDBInstanceState), and promotes it once the backup is over', async () => {
      const { replica } = f.refs;
      f.startBackup(replica, 10 * 60_000);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'replica', status: 'backing-up' });
      const refused = await f.db.promote(replica, 'unplanned').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PermanentError);
      expect((refused as Error).message).toMatch(/InvalidDBInstanceState/);

      await f.advance(10 * 60_000);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'replica', status: 'available' });
      await f.db.promote(replica, 'unplanned');
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'writer', status: 'available' });
    });

    it('promotes through a reboot to a writer that serves while its first backup runs: backing-up, then available', async () => {
      const { replica } = f.refs;
      await f.db.promote(replica, 'unplanned');
      const seen = await sequence(f, replica, PLENTY_MS);
      // Right after the call a replica still (AWS: `available` for a moment, then `modifying`), never a writer yet.
      expect(seen[0]).toMatch(/^replica:/);
      expect(seen.at(-1)).toBe('writer:available');
      // The writer is never counted available before its reboot and first backup are over.
      expect(seen.slice(-2)).toEqual(['writer:backing-up', 'writer:available']);
      expect(seen.filter((s) => s.startsWith('writer:'))[0]).not.toBe('writer:available');
    });

    it("gives the new writer the old writer's backup retention and window, and Multi-AZ on request", async () => {
      const { replica } = f.refs;
      const outcome = await f.db.promote(replica, 'unplanned');
      expect(outcome).toMatchObject({ backupRetentionDays: 7, backupWindow: '03:00-03:30', restoreMultiAz: true });
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'writer', multiAz: false });
      expect(await f.db.restoreMultiAz!(replica)).toBe(true);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'writer', multiAz: true });
    });

    it('refuses a second promotion while the first is under way (InvalidDBInstanceState), and the world shows the first', async () => {
      const { replica } = f.refs;
      await f.db.promote(replica, 'unplanned');
      const repeat = await f.db.promote(replica, 'unplanned').catch((e: unknown) => e);
      expect(repeat).toBeInstanceOf(PermanentError);
      expect((repeat as Error).message).toMatch(/InvalidDBInstanceState/);
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'writer', status: 'available' });
    });

    it('refuses a cross-region replica of an encrypted writer without a KMS key of its region, and creates it with one', async () => {
      const { encryptedWriter, replica } = f.refs;
      expect(await f.db.describe(encryptedWriter)).toMatchObject({ role: 'writer', encrypted: true });
      const plain = withId(replica, 'contract-enc-replica');
      const refused = await f.db.createReplica(plain, encryptedWriter).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PermanentError);
      expect((refused as Error).message).toMatch(/InvalidParameterCombination.*Cannot create a cross region unencrypted read replica from encrypted source/);
      expect(await f.db.describe(plain)).toMatchObject({ exists: false });

      const keyed = withId(replica, 'contract-enc-replica', { kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/0987dcba-09dc-21ba-43fe-0987654321ba' });
      await f.db.createReplica(keyed, encryptedWriter);
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(keyed)).toMatchObject({ exists: true, role: 'replica', replicaOf: encryptedWriter.region, status: 'available', encrypted: true });
    });

    it('rebuilds a replica in place of a retired instance with its settings, and refuses when that instance is not there', async () => {
      const { writer, replica } = f.refs;
      const before = f.settingsOf(replica);
      expect(before).toBeDefined();
      const retiredId = await f.db.retire(replica, 'stale-7');
      await f.advance(PLENTY_MS);
      await f.db.createReplica(replica, writer, { replacesRetired: 'stale-7' });
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(replica)).toMatchObject({ role: 'replica', replicaOf: writer.region, status: 'available' });
      expect(f.settingsOf(replica)).toEqual(before);
      expect(f.settingsOf(withId(replica, retiredId))).toEqual(before);

      const orphan = withId(replica, 'contract-orphan');
      await expect(f.db.createReplica(orphan, writer, { replacesRetired: 'stale-none' })).rejects.toBeInstanceOf(PermanentError);
      expect(await f.db.describe(orphan)).toMatchObject({ exists: false });
    });
  });
}
