import {
  DescribeGlobalReplicationGroupsCommand,
  FailoverGlobalReplicationGroupCommand,
  type GlobalReplicationGroupMember,
} from '@aws-sdk/client-elasticache';
import { PermanentError } from '../../errors/errors.js';
import type { GlobalCacheMember, GlobalCacheProvider, GlobalCacheRef, GlobalCacheState } from '../../ports/global-cache-provider.js';
import { awsCall } from './aws-errors.js';
import type { CloudClients } from './cloud-clients.js';

/** `ldgnf-shop-cache (from eu-west-1)`, for error messages. */
function where(ref: GlobalCacheRef): string {
  return `${ref.globalReplicationGroupId} (from ${ref.region})`;
}

/**
 * The global cache port on ElastiCache global datastores (API version
 * 2015-02-02, the Query protocol), every call made in the ref's region, so
 * a failover never waits on the region it leaves. Errors come out as the
 * project's own classes (see aws-errors.ts): GlobalReplicationGroupNotFound
 * (404), InvalidParameterValue and InvalidParameterCombination are
 * permanent, and so is InvalidGlobalReplicationGroupState; throttling and
 * 5xx are transient.
 *
 * Why InvalidGlobalReplicationGroupState is permanent: AWS sends it (400,
 * Sender) when the datastore "is not available or in primary-only state"
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html).
 * A primary-only datastore has no secondary left to promote, which no retry
 * mends; a datastore that is `modifying` because a failover this run asked
 * for is under way is the refused repeat of an act that took effect, which
 * the engine recognises by reading the world (act-once.ts) rather than by
 * retrying. A datastore busy with something else is for the step's check
 * to wait out before it acts, not for blind retries of the act.
 */
export class ElastiCacheGlobalDatastore implements GlobalCacheProvider {
  constructor(private readonly clients: CloudClients) {}

  /**
   * DescribeGlobalReplicationGroups for the one datastore, with
   * ShowMemberInfo: without it ElastiCache leaves out the members
   * (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeGlobalReplicationGroups.html).
   * Roles come back as `primary`/`secondary` whatever case AWS writes them in.
   */
  async describe(ref: GlobalCacheRef): Promise<GlobalCacheState> {
    const operation = `DescribeGlobalReplicationGroups ${where(ref)}`;
    const client = this.clients.elastiCache(ref.region);
    const input = { GlobalReplicationGroupId: ref.globalReplicationGroupId, ShowMemberInfo: true };
    const command = new DescribeGlobalReplicationGroupsCommand(input);
    const out = await awsCall(operation, () => client.send(command));
    const group = (out.GlobalReplicationGroups ?? []).find((g) => g.GlobalReplicationGroupId === ref.globalReplicationGroupId);
    if (!group) throw new PermanentError(`${operation}: no global datastore ${ref.globalReplicationGroupId} seen from ${ref.region}`);
    if (!group.Status) throw new PermanentError(`${operation}: the response has no Status`);
    return { ref, status: group.Status, members: (group.Members ?? []).map((m) => toMember(m, operation)) };
  }

  /**
   * FailoverGlobalReplicationGroup: the member in `primaryRegion` named
   * `primaryReplicationGroupId` becomes primary and every other member
   * secondary. ElastiCache answers at once and works on it while the
   * datastore reads `modifying`; callers poll `describe`. Sent once,
   * through the change client (a repeat is refused while it runs).
   */
  async failover(ref: GlobalCacheRef, primaryRegion: string, primaryReplicationGroupId: string): Promise<void> {
    const operation = `FailoverGlobalReplicationGroup ${where(ref)} to ${primaryReplicationGroupId} (${primaryRegion})`;
    const client = this.clients.elastiCache(ref.region, 'change');
    await awsCall(operation, () =>
      client.send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: ref.globalReplicationGroupId,
          PrimaryRegion: primaryRegion,
          PrimaryReplicationGroupId: primaryReplicationGroupId,
        }),
      ),
    );
  }
}

/** A member as the port has it; one without an id, a region or a known role tells nothing to act on. */
function toMember(member: GlobalReplicationGroupMember, operation: string): GlobalCacheMember {
  const role = member.Role?.toLowerCase();
  if (!member.ReplicationGroupId || !member.ReplicationGroupRegion || (role !== 'primary' && role !== 'secondary')) {
    const seen = `${member.ReplicationGroupId ?? '?'} in ${member.ReplicationGroupRegion ?? '?'} with role ${member.Role ?? '(none)'}`;
    throw new PermanentError(`${operation}: a member without a replication group id, a region or a role of primary/secondary: ${seen}`);
  }
  return { replicationGroupId: member.ReplicationGroupId, region: member.ReplicationGroupRegion, role, status: member.Status ?? '' };
}
