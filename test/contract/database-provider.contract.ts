import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../src/errors/errors.js';
import type { DatabaseProvider, DatabaseRef, DatabaseState } from '../../src/ports/database-provider.js';

/** Long enough for any implementation's promotion, creation or rename to finish. */
const PLENTY_MS = 60 * 60_000;

/** What one implementation under test provides. */
export interface DatabaseContractFixture {
  db: DatabaseProvider;
  refs: {
    /** An available writer. */
    writer: DatabaseRef;
    /** An available replica of `writer`, in another region. */
    replica: DatabaseRef;
  };
  /** Let `ms` of the implementation's time pass. */
  advance(ms: number): Promise<void>;
  close(): Promise<void> | void;
}

/** The same kind of ref as `ref`, naming another database in `region`. */
function renamed(ref: DatabaseRef, id: string, region = ref.region): DatabaseRef {
  return ref.engine === 'rds' ? { ...ref, region, instanceId: id } : { ...ref, region, clusterId: id };
}

function idOf(ref: DatabaseRef): string {
  return ref.engine === 'rds' ? ref.instanceId : ref.clusterId;
}

/** What the promote step waits for. */
function isAvailableWriter(state: DatabaseState): boolean {
  return state.exists && state.role === 'writer' && state.status === 'available';
}

/**
 * The semantics every DatabaseProvider shares, so the simulation cannot
 * drift from RDS: a promoted replica ends as a standalone available writer
 * (and does not look like one before it is), a writer cannot be promoted,
 * an absent database is `exists: false`, identifiers are unique, a retired
 * database frees its name, and a writer has no replication lag.
 */
export function describeDatabaseProviderContract(name: string, setup: () => Promise<DatabaseContractFixture> | DatabaseContractFixture): void {
  describe(`DatabaseProvider contract: ${name}`, () => {
    let f: DatabaseContractFixture;

    beforeEach(async () => {
      f = await setup();
    });

    afterEach(async () => {
      await f.close();
    });

    it('describes the writer and its replica in another region', async () => {
      const { writer, replica } = f.refs;
      const w = await f.db.describe(writer);
      expect(w).toMatchObject({ ref: writer, exists: true, role: 'writer', status: 'available' });
      expect(w.replicaOf).toBeUndefined();
      expect(await f.db.describe(replica)).toMatchObject({ ref: replica, exists: true, role: 'replica', replicaOf: writer.region, status: 'available' });
    });

    it('describes a database that is not there as exists: false', async () => {
      const missing = renamed(f.refs.replica, 'contract-no-such-db');
      expect(await f.db.describe(missing)).toMatchObject({ ref: missing, exists: false });
    });

    it('promotes a replica: not an available writer at first, a standalone available writer once time has passed', async () => {
      const { replica } = f.refs;
      await f.db.promote(replica, 'unplanned');
      // The promote step polls for exactly this; it must not hold the moment the call returns.
      expect(isAvailableWriter(await f.db.describe(replica))).toBe(false);

      await f.advance(PLENTY_MS);
      const promoted = await f.db.describe(replica);
      expect(promoted).toMatchObject({ exists: true, role: 'writer', status: 'available' });
      expect(promoted.replicaOf).toBeUndefined();
    });

    it('refuses to promote a writer, or a database that is not there, with a PermanentError', async () => {
      await expect(f.db.promote(f.refs.writer, 'unplanned')).rejects.toBeInstanceOf(PermanentError);
      await expect(f.db.promote(renamed(f.refs.replica, 'contract-no-such-db'), 'unplanned')).rejects.toBeInstanceOf(PermanentError);
    });

    it('refuses to create a replica under an identifier that is taken, with a PermanentError', async () => {
      await expect(f.db.createReplica(f.refs.replica, f.refs.writer)).rejects.toBeInstanceOf(PermanentError);
    });

    it('creates a cross-region replica: it exists at once, and is an available replica of the source once time has passed', async () => {
      const { writer, replica } = f.refs;
      const fresh = renamed(replica, 'contract-new-replica');
      await f.db.createReplica(fresh, writer);
      // The create step skips its act when the database exists: it must, from the first describe on.
      const creating = await f.db.describe(fresh);
      expect(creating).toMatchObject({ exists: true, role: 'replica' });
      expect(creating.status).not.toBe('available');

      await f.advance(PLENTY_MS);
      expect(await f.db.describe(fresh)).toMatchObject({ exists: true, role: 'replica', replicaOf: writer.region, status: 'available' });
    });

    it('retires a database under <id>-<suffix>: the old identifier is free, the data is kept, its replicas follow it', async () => {
      const { writer, replica } = f.refs;
      const newId = await f.db.retire(writer, 'stale-1');
      expect(newId).toBe(`${idOf(writer)}-stale-1`);
      await f.advance(PLENTY_MS);

      expect(await f.db.describe(writer)).toMatchObject({ exists: false });
      expect(await f.db.describe(renamed(writer, newId))).toMatchObject({ exists: true, role: 'writer', status: 'available' });
      expect(await f.db.describe(replica)).toMatchObject({ exists: true, role: 'replica', replicaOf: writer.region });
    });

    it('refuses to retire a database that is not there, with a PermanentError', async () => {
      await expect(f.db.retire(renamed(f.refs.writer, 'contract-no-such-db'), 'stale-1')).rejects.toBeInstanceOf(PermanentError);
    });

    it('fails back: promote the replica, retire the old writer, rebuild it as a replica of the new writer', async () => {
      const { writer, replica } = f.refs;
      await f.db.promote(replica, 'unplanned');
      await f.advance(PLENTY_MS);
      await f.db.retire(writer, 'stale-2');
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(writer)).toMatchObject({ exists: false });

      await f.db.createReplica(writer, replica);
      await f.advance(PLENTY_MS);
      expect(await f.db.describe(writer)).toMatchObject({ exists: true, role: 'replica', replicaOf: replica.region, status: 'available' });
      expect(await f.db.describe(replica)).toMatchObject({ exists: true, role: 'writer', status: 'available' });
    });

    it('reports no replication lag for a writer, or for a database that is not there', async () => {
      expect(await f.db.replicaLag(f.refs.writer)).toBeUndefined();
      expect(await f.db.replicaLag(renamed(f.refs.replica, 'contract-no-such-db'))).toBeUndefined();
    });
  });
}
