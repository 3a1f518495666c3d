/** An ElastiCache global datastore, seen from one of its member regions. */
export interface GlobalCacheRef {
  globalReplicationGroupId: string;
  /** The region the call is made in (any member's; the one gaining the primary in a failover). */
  region: string;
}

/** One member (a regional replication group) of a global datastore. */
export interface GlobalCacheMember {
  replicationGroupId: string;
  region: string;
  role: 'primary' | 'secondary';
  /** The member's status, verbatim (associated, associating, …). */
  status: string;
}

/** DescribeGlobalReplicationGroups with ShowMemberInfo. */
export interface GlobalCacheState {
  ref: GlobalCacheRef;
  /** The datastore's status, verbatim: available, creating, modifying, primary-only, deleting, … */
  status: string;
  members: GlobalCacheMember[];
}

/** ElastiCache global datastores: read one, promote a member (FailoverGlobalReplicationGroup). */
export interface GlobalCacheProvider {
  describe(ref: GlobalCacheRef): Promise<GlobalCacheState>;
  failover(ref: GlobalCacheRef, primaryRegion: string, primaryReplicationGroupId: string): Promise<void>;
}
