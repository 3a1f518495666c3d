import { ConflictError, PermanentError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';
import type { DatabaseRef } from '../../ports/database-provider.js';
import { describeRule, type IngressRule, type NetworkFence } from '../../ports/network-fence.js';
import type { FenceStore, NetworkFenceRecord } from '../../ports/state-store.js';

/** What an attempt at a network fence needs. */
export interface FenceAttemptDeps {
  fence: NetworkFence;
  store: FenceStore;
  clock: Clock;
}

/** Who asks for a fence: the run (and its step) that needs the old writer cut off, and where it moved the writer. */
export interface FenceRequest {
  app: string;
  region: string;
  database: string;
  runId: string;
  stepId: string;
  writerRegion: string;
}

/** A network fence record, as an attempt leaves it. */
export type FenceRecord = NetworkFenceRecord;

/**
 * The record of this request's fence: the one already kept for its run, or
 * a new `pending` one (the region's earlier record, if any, is superseded:
 * a fence belongs to the failover that asked for it). Saved before any
 * attempt, so the controller retries it even if this process dies.
 */
export async function openFence(store: FenceStore, request: FenceRequest, now: number): Promise<FenceRecord> {
  const stored = await store.getNetworkFence(request.app, request.region);
  if (stored?.runId === request.runId) return stored;
  const record: FenceRecord = {
    ...request,
    state: 'pending',
    // Rules an earlier fence revoked and nobody restored yet stay on record, to be restored with these.
    revoked: stored && stored.state !== 'lifted' ? stored.revoked : [],
    connectionsReset: false,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    version: (stored?.version ?? 0) + 1,
  };
  await store.putNetworkFence(record);
  return record;
}

/**
 * One attempt at cutting an old writer off the network, bounded by
 * `deadlineMs` of clock time: describe its security groups' rules on its
 * port, save them as revoked, revoke them, then reboot it to end the
 * connections the groups still track. The record is saved after each part,
 * so a later attempt (or a failback) knows what was revoked. Never throws
 * for the cloud: a region that does not answer (or a refusal) leaves the
 * fence `pending` with the reason, to be tried again; it throws only when
 * the record cannot be saved (ConflictError: someone else moved it on).
 */
export async function attemptFence(deps: FenceAttemptDeps, ref: DatabaseRef, record: FenceRecord, deadlineMs: number): Promise<FenceRecord> {
  let current: FenceRecord = { ...record, attempts: record.attempts + 1, lastAttemptAt: deps.clock.now() };
  // Past the deadline the attempt is abandoned: its late answers change nothing more (what a late revoke did is on record already).
  let abandoned = false;
  // Saves go one after another, so the deadline's own save never races one of the attempt's.
  let queue: Promise<unknown> = Promise.resolve();
  const save = (change: (record: FenceRecord) => FenceRecord, final = false): Promise<void> => {
    const next = queue.then(async () => {
      if (abandoned && !final) throw new DeadlineError('abandoned at its deadline');
      const saved: FenceRecord = { ...change(current), updatedAt: deps.clock.now(), version: current.version + 1 };
      await deps.store.putNetworkFence(saved);
      current = saved;
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const work = async (): Promise<void> => {
    const path = await deps.fence.describe(ref);
    // No database holds the name any more (set aside): nothing reaches the old writer by its name.
    if (!path.exists) return save((r) => ({ ...withoutError(r), state: 'fenced', fencedAt: deps.clock.now(), connectionsReset: true }));
    if (path.open.length > 0) {
      // Kept before the revoke: a crash or a deadline in between must not lose what there is to restore.
      await save((r) => ({ ...r, revoked: mergeRules(r.revoked, path.open) }));
      await deps.fence.revoke(ref, path.open);
    }
    if (!current.connectionsReset) {
      if (abandoned) throw new DeadlineError('abandoned at its deadline');
      await deps.fence.resetConnections(ref);
      await save((r) => ({ ...r, connectionsReset: true }));
    }
    await save((r) => ({ ...withoutError(r), state: 'fenced', fencedAt: deps.clock.now() }));
  };
  const timer = new AbortController();
  const working = work();
  working.catch(() => undefined);
  try {
    await Promise.race([
      working,
      deps.clock.sleep(deadlineMs, timer.signal).then(() => {
        throw new DeadlineError(`${record.region} did not answer within ${Math.round(deadlineMs / 1000)} s`);
      }),
    ]);
  } catch (err) {
    if (err instanceof ConflictError) throw err;
    abandoned = true;
    const reason = err instanceof Error ? err.message.slice(0, 300) : String(err);
    await save((r) => ({ ...r, state: 'pending', lastError: reason }), true);
  } finally {
    timer.abort();
  }
  return current;
}

function withoutError(record: FenceRecord): FenceRecord {
  const { lastError: _settled, ...rest } = record;
  return rest;
}

/**
 * Authorize again the rules a fence revoked, those not open already (a
 * revoke that never happened, or a lift resumed after a crash), and mark the
 * fence lifted. For a failback, once the stale writer no longer holds the
 * name: the replica rebuilt under it takes the same security groups.
 */
export async function liftFence(deps: FenceAttemptDeps, ref: DatabaseRef, record: FenceRecord): Promise<FenceRecord> {
  const path = await deps.fence.describe(ref);
  const closed = record.revoked.filter((rule) => !path.open.some((open) => sameAccess(open, rule)));
  if (closed.length > 0) await deps.fence.reopen(ref, closed);
  const lifted: FenceRecord = { ...record, state: 'lifted', liftedAt: deps.clock.now(), updatedAt: deps.clock.now(), version: record.version + 1 };
  await deps.store.putNetworkFence(lifted);
  return lifted;
}

/** One sentence on a fence, for step messages, plans and GET /fence. */
export function describeFence(record: NetworkFenceRecord): string {
  const rules = record.revoked.length ? record.revoked.map(describeRule).join('; ') : 'no inbound rule on its port';
  switch (record.state) {
    case 'fenced':
      return `${record.database} fenced at ${new Date(record.fencedAt ?? record.updatedAt).toISOString()} (attempt ${record.attempts}): revoked ${rules}; connections reset`;
    case 'lifted':
      return `${record.database}: fence lifted at ${new Date(record.liftedAt ?? record.updatedAt).toISOString()} (restored ${rules})`;
    default:
      return `${record.database}: fence pending after ${record.attempts} attempt(s) (${record.lastError ?? 'not tried yet'}); retried every controller tick until ${record.region} answers`;
  }
}

/** A database whose fence a step or the controller asks for, with a refusal when there is nothing to ask (the store is needed). */
export function requireStore(store: FenceStore | undefined, what: string): FenceStore {
  if (!store) throw new PermanentError(`${what}: no state store in this context to keep the fence in`);
  return store;
}

class DeadlineError extends Error {
  override name = 'DeadlineError';
}

function mergeRules(kept: IngressRule[], more: IngressRule[]): IngressRule[] {
  return [...kept, ...more.filter((rule) => !kept.some((k) => k.ruleId !== undefined && k.ruleId === rule.ruleId))];
}

/** Two rules that allow the same traffic (ids and descriptions aside). */
export function sameAccess(a: IngressRule, b: IngressRule): boolean {
  return (
    a.groupId === b.groupId &&
    a.protocol === b.protocol &&
    a.fromPort === b.fromPort &&
    a.toPort === b.toPort &&
    a.cidrIpv4 === b.cidrIpv4 &&
    a.cidrIpv6 === b.cidrIpv6 &&
    a.prefixListId === b.prefixListId &&
    a.sourceGroupId === b.sourceGroupId
  );
}
