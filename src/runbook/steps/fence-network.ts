import { PermanentError, TransientError } from '../../errors/errors.js';
import { type RunbookNode, type StepContext, step } from '../step.js';
import { attemptFence, describeFence, type FenceAttemptDeps, liftFence, openFence, requireStore } from './fence-attempt.js';
import { promotedOrPromoting } from './fence-epoch.js';
import { databaseLabel, regionOf, type Side } from './side.js';

/** A best-effort fence waits this long for the old writer's region, then leaves the rest to the controller. */
export const BEST_EFFORT_DEADLINE_MS = 10_000;
/** A required fence gives each attempt this long (the engine retries a failed attempt). */
const REQUIRED_DEADLINE_MS = 60_000;

function depsOf(ctx: StepContext, id: string): FenceAttemptDeps {
  return { fence: ctx.cloud.fence, store: requireStore(ctx.fences, id), clock: ctx.clock };
}

/**
 * Cut the old writer of a side off the network (fence.network of the
 * application): revoke its security groups' inbound rules on its port and
 * reboot it to end the connections those groups still track
 * (fence-attempt.ts). The rules revoked are kept in the state store, for
 * failback to restore.
 *
 * `best-effort` (before an unplanned promotion): one attempt with a short
 * deadline; whatever the old region answers, the step succeeds, so the
 * failover never waits for a lost region. A fence that did not hold is
 * left `pending`, the step says so, and the controller tries again every
 * tick until the region answers (src/controller/pending-fences.ts), then
 * writes the outcome into this step of the run.
 * `required` (a failback, whose old region answers): the stale writer is
 * fenced before anything else touches it, or the step fails.
 *
 * The undo (a rollback) restores the rules, but only while `guard`'s
 * database has not been promoted.
 */
export function fenceOldWriter(options: { id: string; title: string; side: Side; writer: Side; mode: 'best-effort' | 'required'; guard?: Side; deadlineMs?: number }): RunbookNode {
  const deadlineMs = options.deadlineMs ?? (options.mode === 'best-effort' ? BEST_EFFORT_DEADLINE_MS : REQUIRED_DEADLINE_MS);
  return step({
    id: options.id,
    title: options.title,
    role: { kind: 'fence', side: options.side },
    timeoutMs: options.mode === 'best-effort' ? 2 * deadlineMs : 10 * 60_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const resource = `fence:${databaseLabel(region)}`;
      const desired = options.mode === 'best-effort' ? 'fenced, or pending and retried by the controller' : 'fenced';
      if (!ctx.app.fence.network) return { resource, current: 'not used: fence.network is off', desired, done: true };
      const record = await requireStore(ctx.fences, options.id).getNetworkFence(ctx.app.name, region.name);
      if (record?.state === 'fenced' || (options.mode === 'best-effort' && record?.runId === ctx.run.id && record.state === 'pending')) {
        return { resource, current: describeFence(record), desired, done: true };
      }
      if (options.mode === 'required') {
        const db = await ctx.cloud.database.describe(region.database);
        if (!db.exists || db.role === 'replica') return { resource, current: `no stale writer holds the name (${db.exists ? 'a replica' : 'absent'})`, desired, done: true };
      }
      // Only the store is read here: the old region may not answer, and the promotion must not wait for it twice.
      return { resource, current: record && record.state !== 'lifted' ? describeFence(record) : 'not fenced', desired, done: false };
    },
    async act(ctx) {
      const region = regionOf(ctx, options.side);
      const deps = depsOf(ctx, options.id);
      const request = { app: ctx.app.name, region: region.name, database: databaseLabel(region), runId: ctx.run.id, stepId: options.id, writerRegion: regionOf(ctx, options.writer).name };
      const opened = await openFence(deps.store, request, ctx.clock.now());
      const record = await attemptFence(deps, region.database, opened, deadlineMs);
      if (record.state !== 'fenced') {
        ctx.log.warn({ region: region.name, error: record.lastError }, options.mode === 'best-effort' ? 'fence pending: the controller retries it until the region answers' : 'fence not in force yet');
        if (options.mode === 'required') throw new TransientError(`${options.id}: ${describeFence(record)}`);
      }
      return { state: record.state, attempts: record.attempts, revoked: record.revoked.length };
    },
    async compensate(ctx) {
      if (options.guard && (await promotedOrPromoting(ctx, options.guard))) {
        throw new PermanentError(`${options.id} kept: ${regionOf(ctx, options.guard).name} has been promoted, and reopening the old writer would make two writers`);
      }
      const region = regionOf(ctx, options.side);
      const deps = depsOf(ctx, options.id);
      const record = await deps.store.getNetworkFence(ctx.app.name, region.name);
      if (record && record.state !== 'lifted') await liftFence(deps, region.database, record);
    },
  });
}

/**
 * Lift a side's network fence once the stale writer no longer holds its
 * name (failback, after setting it aside): the rules it revoked are
 * authorized again, for the replica rebuilt under the name, which gets the
 * same security groups; the stale writer, renamed, stays out of the
 * application's way (its endpoint changed with its name). A pending fence
 * is settled too, so that the controller stops retrying it. Refused while
 * a writer still holds the name.
 */
export function liftNetworkFence(options: { id: string; title: string; side: Side }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 10 * 60_000,
    async observe(ctx) {
      const region = regionOf(ctx, options.side);
      const record = await requireStore(ctx.fences, options.id).getNetworkFence(ctx.app.name, region.name);
      return {
        resource: `fence:${databaseLabel(region)}`,
        current: record ? describeFence(record) : 'never fenced',
        desired: 'not fenced (the rules it revoked restored)',
        done: !record || record.state === 'lifted',
      };
    },
    async act(ctx) {
      const region = regionOf(ctx, options.side);
      const db = await ctx.cloud.database.describe(region.database);
      if (db.exists && db.role === 'writer') throw new PermanentError(`${options.id}: ${databaseLabel(region)} is still a writer under the application's name: set the stale writer aside before lifting its fence`);
      const deps = depsOf(ctx, options.id);
      const record = await deps.store.getNetworkFence(ctx.app.name, region.name);
      if (!record || record.state === 'lifted') return;
      const lifted = await liftFence(deps, region.database, record);
      return { restored: lifted.revoked.length };
    },
  });
}
