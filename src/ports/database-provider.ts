/** Which database resource a region holds. */
export type DatabaseRef =
  | {
      engine: 'rds';
      region: string;
      instanceId: string;
      /**
       * KMS key (ARN, id or alias) of this region for a replica of an encrypted
       * writer in another region: KMS keys are regional, so AWS needs one of
       * this region's (config: `regions[].database.kmsKeyId`).
       */
      kmsKeyId?: string;
    }
  | { engine: 'aurora-global'; region: string; globalClusterId: string; clusterId: string };

/**
 * What a region's database is right now. `available` is the only state in
 * which the next change may start. `backing-up`: an automated backup runs;
 * the database serves (a writer accepts writes), but RDS refuses to promote
 * a replica in it.
 */
export type DatabaseStatus = 'available' | 'backing-up' | 'creating' | 'promoting' | 'modifying' | 'unavailable';

/** What a region's database is right now. */
export interface DatabaseState {
  ref: DatabaseRef;
  exists: boolean;
  /** `writer` accepts writes; `replica` follows `replicaOf`. */
  role: 'writer' | 'replica';
  /** Region of the writer this replica follows. */
  replicaOf?: string;
  status: DatabaseStatus;
  /** Storage encrypted at rest (a cross-region replica of it needs a KMS key in its own region). */
  encrypted?: boolean;
  /** Allocated storage in GiB: copies of large databases take long. */
  allocatedStorageGiB?: number;
  /** Multi-AZ now, or requested and pending. */
  multiAz?: boolean;
  /**
   * Aurora: why a managed failover or switchover to this cluster cannot
   * work (engine versions differ), when that is known. The fallback is to
   * detach it from the global database, with an operator's approval.
   */
  managedPromotionBlocker?: string;
}

/**
 * One datapoint of a lag metric as its source published it (CloudWatch:
 * one period's Maximum).
 */
export interface LagPoint {
  /** Start of the datapoint's period (ms since epoch); it covers `[at, at + periodSeconds)`. */
  at: number;
  /**
   * The lag in seconds. Negative (RDS publishes ReplicaLag -1) means
   * replication was not running: never a lag, and never read as 0.
   */
  seconds: number;
}

/**
 * A replica's recent replication lag: every datapoint of the recent window
 * (about ten minutes), so that a reader can pick the evidence that matters
 * to it (the RPO guard: what was published before the outage began).
 */
export interface LagSample {
  /**
   * The lag now: the newest datapoint, when it is a lag (replication running)
   * and fresh. Absent when unknown, never 0 for unknown.
   */
  seconds?: number;
  /** When the newest datapoint was taken (its period's start, ms since epoch). */
  at: number;
  /** The largest lag among the window's datapoints that are lags, when there is one. */
  worstRecentSeconds?: number;
  /** Every datapoint of the window, oldest first, negative ones included. */
  points: LagPoint[];
  /** The datapoints' period, in seconds. */
  periodSeconds: number;
  /** The metric the points come from, e.g. `ReplicaLag` or `AuroraGlobalDBRPOLag`. */
  metric: string;
}

/** How to promote, beyond planned or unplanned. */
export interface PromoteOptions {
  /**
   * Aurora: managed failover is impossible (see `managedPromotionBlocker`)
   * and an operator approved the fallback: remove the cluster from its
   * global database, which makes it a standalone writer.
   */
  detach?: boolean;
}

/** What a promotion did, for the run's record (JSON-safe). */
export type PromotionOutcome = Record<string, string | number | boolean>;

/** How to create a replica. */
export interface CreateReplicaOptions {
  /**
   * The suffix the instance this replica replaces was set aside under
   * (`retire(ref, suffix)`): its network, parameter and option groups,
   * class, storage, monitoring and tags are copied, so the new replica
   * lands where the old one was and not in the default VPC.
   */
  replacesRetired?: string;
}

/** A snapshot Aurora took of an old primary's volume after an unplanned failover: the only copy of the writes that never replicated. */
export interface LostWritesSnapshot {
  /** e.g. `rds:unplanned-global-failover-shop-use1-2026-11-24-12-03` */
  id: string;
  /** The manual copy that keeps it beyond the old cluster's backup retention, once made. */
  preservedAs?: string;
}

/**
 * The database port (RDS/Aurora or the simulation). Mutations start the
 * change and return; callers poll `describe` until it holds.
 */
export interface DatabaseProvider {
  describe(ref: DatabaseRef): Promise<DatabaseState>;
  /**
   * Make this region's database the writer. `unplanned`: the writer is lost
   * (RDS PromoteReadReplica; Aurora SwitchoverGlobalCluster when the old
   * primary still answers, FailoverGlobalCluster with AllowDataLoss when it
   * does not). `planned`: the writer is alive and hands over without data
   * loss (Aurora SwitchoverGlobalCluster; RDS promotes once lag is zero).
   * Refused (PermanentError) while the database is not `available`.
   */
  promote(ref: DatabaseRef, mode: 'planned' | 'unplanned', options?: PromoteOptions): Promise<PromotionOutcome | void>;
  /** Create this region's database as a cross-region read replica of `source`. */
  createReplica(ref: DatabaseRef, source: DatabaseRef, options?: CreateReplicaOptions): Promise<void>;
  /**
   * Move a stale writer aside (rename it, keep its data for forensics) so that
   * a replica can be created under its name. Returns the new identifier.
   */
  retire(ref: DatabaseRef, suffix: string): Promise<string>;
  /**
   * The replica's recent replication lag datapoints, or undefined for a
   * database that is not a replica or a metric with no datapoint at all.
   */
  replicaLag(ref: DatabaseRef): Promise<LagSample | undefined>;
  /**
   * RDS: after a promotion, make the new writer Multi-AZ when the writer it
   * replaces was (the promotion outcome says so). Resolves with false when
   * the database cannot take the change yet (busy), true once requested.
   */
  restoreMultiAz?(ref: DatabaseRef): Promise<boolean>;
  /** Aurora: the snapshots of this cluster's old volume an unplanned failover left, and their manual copies. */
  listLostWrites?(ref: DatabaseRef): Promise<LostWritesSnapshot[]>;
  /** Aurora: copy such a snapshot to a manual one (kept until deleted by hand); returns the copy's identifier. */
  preserveLostWrites?(ref: DatabaseRef, snapshotId: string): Promise<string>;
}
