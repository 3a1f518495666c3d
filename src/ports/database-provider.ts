/** Which database resource a region holds. */
export type DatabaseRef =
  | { engine: 'rds'; region: string; instanceId: string }
  | { engine: 'aurora-global'; region: string; globalClusterId: string; clusterId: string };

/** What a region's database is right now. */
export interface DatabaseState {
  ref: DatabaseRef;
  exists: boolean;
  /** `writer` accepts writes; `replica` follows `replicaOf`. */
  role: 'writer' | 'replica';
  /** Region of the writer this replica follows. */
  replicaOf?: string;
  /** `available` is the only state in which the next change may start. */
  status: 'available' | 'creating' | 'promoting' | 'modifying' | 'unavailable';
}

/** A replication lag sample; undefined lag means unknown (never zero by default). */
export interface LagSample {
  seconds: number;
  /** When the sample was taken (ms since epoch). */
  at: number;
  /** The largest lag among the recent samples (the last ten minutes or so), when known. */
  worstRecentSeconds?: number;
}

/**
 * The database port (RDS/Aurora or the simulation). Mutations start the
 * change and return; callers poll `describe` until it holds.
 */
export interface DatabaseProvider {
  describe(ref: DatabaseRef): Promise<DatabaseState>;
  /**
   * Make this region's database the writer. `unplanned`: the writer is lost
   * (RDS PromoteReadReplica, Aurora FailoverGlobalCluster with AllowDataLoss).
   * `planned`: the writer is alive and hands over without data loss
   * (Aurora SwitchoverGlobalCluster; RDS promotes once lag is zero).
   */
  promote(ref: DatabaseRef, mode: 'planned' | 'unplanned'): Promise<void>;
  /** Create this region's database as a cross-region read replica of `source`. */
  createReplica(ref: DatabaseRef, source: DatabaseRef): Promise<void>;
  /**
   * Move a stale writer aside (rename it, keep its data for forensics) so that
   * a replica can be created under its name. Returns the new identifier.
   */
  retire(ref: DatabaseRef, suffix: string): Promise<string>;
  /** Latest replication lag of a replica, or undefined when unknown or stale. */
  replicaLag(ref: DatabaseRef): Promise<LagSample | undefined>;
}
