import { PermanentError, TransientError } from '../../errors/errors.js';
import type { GlobalCacheMember, GlobalCacheRef, GlobalCacheState } from '../../ports/global-cache-provider.js';
import { describeObservation } from '../poll-observation.js';
import { type ActResult, type RunbookNode, type StepContext, type StepObservation, step } from '../step.js';
import { requireService } from './require-service.js';
import { regionOf, type Side } from './side.js';

/** Options of {@link failoverGlobalCache}. */
export interface FailoverGlobalCacheOptions {
  id: string;
  title: string;
  /** The side of the run whose region's member becomes the primary. */
  side: Side;
  /** The global datastore's id (its full name, with the prefix ElastiCache gave it). */
  globalReplicationGroupId: string;
  /** Each region's member: its replication group id. */
  replicationGroupId: ((region: string) => string) | Record<string, string>;
  /** `unplanned` when the primary's region is lost and writes it took may be missing in the new one. */
  mode: 'planned' | 'unplanned';
  /** Deadline for the member to be primary and the datastore available again (default 30 minutes). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** `redis-euw1 (eu-west-1) secondary, associated` */
function describeMember(m: GlobalCacheMember): string {
  return `${m.replicationGroupId} (${m.region}) ${m.role}, ${m.status}`;
}

/**
 * Make a side's member of an ElastiCache global datastore its primary
 * (FailoverGlobalReplicationGroup, called in that region): done once the
 * member is primary and the datastore available again. A datastore that is
 * busy (modifying) when the step acts is retried as transient, since
 * ElastiCache refuses a failover then. `planned` can be undone (a rollback
 * fails over back to the primary the act journaled); `unplanned` cannot: the
 * old primary's region is lost, and its writes with it.
 */
export function failoverGlobalCache(options: FailoverGlobalCacheOptions): RunbookNode {
  const groupIn = (region: string): string => {
    const id = typeof options.replicationGroupId === 'function' ? options.replicationGroupId(region) : options.replicationGroupId[region];
    if (!id) throw new PermanentError(`${options.id}: replicationGroupId names no replication group for ${region}`);
    return id;
  };
  const look = async (ctx: StepContext) => {
    const region = regionOf(ctx, options.side).name;
    const ref: GlobalCacheRef = { globalReplicationGroupId: options.globalReplicationGroupId, region };
    const replicationGroupId = groupIn(region);
    const state = await requireService(ctx, 'cache', options.id).describe(ref);
    const member = state.members.find((m) => m.replicationGroupId === replicationGroupId && m.region === region);
    if (!member) {
      throw new PermanentError(
        `${options.id}: ${replicationGroupId} (${region}) is not a member of the global datastore ${options.globalReplicationGroupId} ` +
          `(members: ${state.members.map(describeMember).join('; ') || 'none'})`,
      );
    }
    return { ref, region, replicationGroupId, state, member };
  };
  const observation = (ctx: StepContext, state: GlobalCacheState, member: GlobalCacheMember): StepObservation => {
    const primary = state.members.find((m) => m.role === 'primary');
    const done = member.role === 'primary' && state.status === 'available';
    const primaryText = primary ? `${primary.replicationGroupId} (${primary.region})` : 'none';
    return {
      resource: `elasticache-global:${options.globalReplicationGroupId} (${member.region})`,
      current: `datastore ${state.status}; ${describeMember(member)}; primary: ${primaryText}`,
      desired: `${member.replicationGroupId} (${member.region}) primary, datastore available`,
      done,
      // Primary already (the datastore settling), or the datastore modifying after our own act: acting again would be refused.
      pending: !done && (member.role === 'primary' || (ctx.actInFlight && state.status === 'modifying')),
    };
  };

  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'promotion', mode: options.mode, side: options.side },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    pollMs: 1_000,
    maxPollMs: 15_000,
    async observe(ctx) {
      const { state, member } = await look(ctx);
      return observation(ctx, state, member);
    },
    async act(ctx): Promise<ActResult> {
      const { ref, region, replicationGroupId, state } = await look(ctx);
      // primary-only: the datastore lost its secondaries; no wait brings them back (the adapter's refusal is permanent too).
      if (state.status === 'primary-only') {
        throw new PermanentError(`${options.id}: the global datastore ${options.globalReplicationGroupId} is primary-only: it has no secondary to fail over to`);
      }
      if (state.status !== 'available') {
        throw new TransientError(
          `${options.id}: the global datastore ${options.globalReplicationGroupId} is ${state.status}; ` +
            'ElastiCache fails it over only when available',
        );
      }
      const previous = state.members.find((m) => m.role === 'primary');
      await requireService(ctx, 'cache', options.id).failover(ref, region, replicationGroupId);
      // Journaled: the primary a rollback of a planned failover goes back to.
      return previous ? { previousPrimary: previous.replicationGroupId, previousPrimaryRegion: previous.region } : {};
    },
    async verify(ctx) {
      const { state, member } = await look(ctx);
      const seen = observation(ctx, state, member);
      ctx.observed?.(describeObservation(seen));
      return seen.done;
    },
    ...(options.mode === 'planned'
      ? {
          async compensate(ctx: StepContext, acted?: ActResult) {
            const group = acted?.['previousPrimary'];
            const region = acted?.['previousPrimaryRegion'];
            if (typeof group !== 'string' || typeof region !== 'string') {
              throw new PermanentError(
                `${options.id} not undone: the primary before the failover was not journaled; ` +
                  `fail ${options.globalReplicationGroupId} over by hand`,
              );
            }
            // Rollback does not wait for the datastore: the call is the undo.
            const ref = { globalReplicationGroupId: options.globalReplicationGroupId, region };
            await requireService(ctx, 'cache', options.id).failover(ref, region, group);
          },
        }
      : {}),
  });
}
