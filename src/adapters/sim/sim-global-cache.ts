import { PermanentError } from '../../errors/errors.js';
import type { GlobalCacheProvider, GlobalCacheRef, GlobalCacheState } from '../../ports/global-cache-provider.js';
import type { SimCloud } from './sim-cloud.js';

/** A member as seeded: a regional replication group and its role. */
export interface SimCacheMemberSeed {
  replicationGroupId: string;
  region: string;
  role: 'primary' | 'secondary';
}

/** One simulated global datastore, JSON-safe. */
interface SimDatastore {
  id: string;
  /** Its status when no failover runs: available, or primary-only and the like when the world says so. */
  status: string;
  members: SimCacheMemberSeed[];
  /** A failover under way: the datastore reads `modifying` until `doneAt`, then the named member is primary. */
  failover?: { region: string; replicationGroupId: string; doneAt: number };
}

/** Everything a SimGlobalCache holds, JSON-safe. */
export interface SimGlobalCacheSnapshot {
  datastores: SimDatastore[];
}

/**
 * Simulated ElastiCache global datastores, with ElastiCache's semantics
 * (the contract suite in test/contract/global-cache-provider.contract.ts
 * holds it to them): a datastore is seen from its members' regions only;
 * FailoverGlobalReplicationGroup is accepted while it is `available`, after
 * which it reads `modifying` for {@link SimCloud.delays}.cacheFailoverMs and
 * then has the named member as its primary and every other one secondary;
 * asked while it is not available (a failover running, primary-only), it is
 * refused with InvalidGlobalReplicationGroupState. Every call goes through
 * {@link SimCloud.call} in the ref's region (service `elasticache`, target:
 * the datastore's id), so a failover asked in the region gaining the
 * primary does not depend on the region losing it.
 */
export class SimGlobalCache implements GlobalCacheProvider {
  private readonly datastores = new Map<string, SimDatastore>();

  constructor(private readonly cloud: SimCloud) {}

  /** Create a global datastore (outside the API), `available`, its members associated. */
  seed(globalReplicationGroupId: string, members: SimCacheMemberSeed[]): void {
    this.datastores.set(globalReplicationGroupId, { id: globalReplicationGroupId, status: 'available', members: structuredClone(members) });
  }

  /** Set the datastore's status as the world would (e.g. `primary-only` once its secondaries are gone). */
  setStatus(globalReplicationGroupId: string, status: string): void {
    const datastore = this.datastores.get(globalReplicationGroupId);
    if (!datastore) throw new PermanentError(`no simulated global datastore ${globalReplicationGroupId}`);
    datastore.status = status;
  }

  async describe(ref: GlobalCacheRef): Promise<GlobalCacheState> {
    return this.cloud.call('elasticache', 'DescribeGlobalReplicationGroups', ref.region, ref.globalReplicationGroupId, () => {
      const datastore = this.require(ref);
      return {
        ref,
        status: datastore.failover ? 'modifying' : datastore.status,
        members: datastore.members.map((m) => ({ ...m, status: 'associated' })),
      };
    });
  }

  async failover(ref: GlobalCacheRef, primaryRegion: string, primaryReplicationGroupId: string): Promise<void> {
    return this.cloud.call('elasticache', 'FailoverGlobalReplicationGroup', ref.region, ref.globalReplicationGroupId, () => {
      const datastore = this.require(ref);
      const status = datastore.failover ? 'modifying' : datastore.status;
      if (status !== 'available') {
        const what = `global datastore ${datastore.id} is ${status}, not available`;
        throw new PermanentError(`FailoverGlobalReplicationGroup: InvalidGlobalReplicationGroupState: ${what}`);
      }
      const named = `${primaryReplicationGroupId} in ${primaryRegion}`;
      const member = datastore.members.find((m) => m.replicationGroupId === primaryReplicationGroupId && m.region === primaryRegion);
      if (!member || member.role === 'primary') {
        const why = member ? `is already the primary of ${datastore.id}` : `is not a member of ${datastore.id}`;
        throw new PermanentError(`FailoverGlobalReplicationGroup: InvalidParameterValue: ${named} ${why}`);
      }
      const doneAt = this.cloud.clock.now() + this.cloud.delays.cacheFailoverMs;
      datastore.failover = { region: primaryRegion, replicationGroupId: primaryReplicationGroupId, doneAt };
    });
  }

  /** A deep copy of every datastore, a failover under way included. */
  snapshot(): SimGlobalCacheSnapshot {
    return { datastores: structuredClone([...this.datastores.values()]) };
  }

  /** Replace every datastore with a snapshot's (none: no datastores, as in snapshots from before ElastiCache was simulated). */
  restore(snapshot: SimGlobalCacheSnapshot | undefined): void {
    this.datastores.clear();
    for (const datastore of structuredClone(snapshot?.datastores ?? [])) this.datastores.set(datastore.id, datastore);
  }

  /**
   * The datastore as seen from the ref's region, its failover settled if
   * its time has come (the clock re-derives that, so a read that settles one
   * changes nothing a snapshot must keep).
   */
  private require(ref: GlobalCacheRef): SimDatastore {
    const datastore = this.datastores.get(ref.globalReplicationGroupId);
    if (!datastore || !datastore.members.some((m) => m.region === ref.region)) {
      const what = `global datastore ${ref.globalReplicationGroupId} not found in ${ref.region}`;
      throw new PermanentError(`GlobalReplicationGroupNotFoundFault: ${what}`);
    }
    const failover = datastore.failover;
    if (failover && this.cloud.clock.now() >= failover.doneAt) {
      for (const member of datastore.members) {
        const promoted = member.replicationGroupId === failover.replicationGroupId && member.region === failover.region;
        member.role = promoted ? 'primary' : 'secondary';
      }
      delete datastore.failover;
    }
    return datastore;
  }
}
