/**
 * Told by the simulated databases of the changes that move an
 * application's data or its connections: what the simulated application's
 * writes (sim-write-ledger.ts) and the simulated network (sim-network-fence.ts)
 * follow. Every method runs inside the call that makes the change, before
 * it returns.
 */
export interface SimDatabaseObserver {
  /** A replica is about to be promoted: replication from its writer stops now (RDS stops replication, then reboots the replica). */
  promotionStarting?(id: string): void;
  /** A database was renamed (set aside): renaming reboots an RDS instance, so its connections end. */
  renamed?(oldId: string, newId: string): void;
}

/** One observer that tells several. */
export function observers(...list: SimDatabaseObserver[]): SimDatabaseObserver {
  return {
    promotionStarting: (id) => list.forEach((o) => o.promotionStarting?.(id)),
    renamed: (oldId, newId) => list.forEach((o) => o.renamed?.(oldId, newId)),
  };
}
