import { isTransient, PermanentError } from '../../errors/errors.js';
import type { DatabaseState } from '../../ports/database-provider.js';
import type { RunRecord } from '../run.js';
import { type RunbookNode, sequence, type StepContext, type StepObservation, step } from '../step.js';
import { databaseLabel, describeDatabase, regionOf, type Side } from './side.js';
import { refusedForState, waitWhileBusy, watchAfterRefusal } from './wait-while-busy.js';
import { describeObservation } from '../poll-observation.js';

/** Options of the promotion step. */
export interface PromoteDatabaseOptions {
  id: string;
  title: string;
  side: Side;
  mode: 'planned' | 'unplanned';
  /**
   * How long to wait, from the step's start, for a replica that is busy
   * (backing up in its backup window, modifying) before promoting it:
   * RDS refuses to promote a replica that is backing up, and that refusal
   * would end the run (default 2 hours).
   */
  busyReplicaWaitMs?: number;
  /** Deadline of the whole step, busy wait included (default: the busy wait plus 30 minutes). */
  timeoutMs?: number;
  /**
   * Aurora: an approval gate before the promotion, asked only when a
   * managed failover is impossible (engine versions differ); approved, the
   * promotion detaches the cluster from its global database instead.
   * `separate`: the runbook places the gate itself (`detachGate(...)`),
   * e.g. before steps that should not run unless the promotion can.
   */
  detachGate?: { id: string; title: string; separate?: boolean };
}

/** Default wait for a busy replica. */
export const BUSY_REPLICA_WAIT_MS = 2 * 3600_000;

/**
 * Make a side's database the writer. `unplanned` when the current writer is
 * lost (failover); `planned` when it is alive and hands over (failback).
 *
 * Done once the new writer has rebooted and takes writes, `available` or
 * `backing-up`: a replica promoted with backups turned on runs its first
 * backup right after the reboot, which can take long on a large database
 * (RDS User Guide, "Promoting a read replica to be a standalone DB
 * instance": "the DB instance is rebooted before it becomes available"), and
 * traffic need not wait for it. When the writer it replaces was Multi-AZ,
 * the new one is asked to become Multi-AZ once it has rebooted.
 */
export function promoteDatabase(options: PromoteDatabaseOptions): RunbookNode {
  const busyWaitMs = options.busyReplicaWaitMs ?? BUSY_REPLICA_WAIT_MS;
  const observe = async (ctx: StepContext): Promise<StepObservation> => {
    const region = regionOf(ctx, options.side);
    const state = await ctx.cloud.database.describe(region.database);
    const done = promoted(state);
    return {
      resource: databaseLabel(region),
      current: describeDatabase(state) + (state.role === 'replica' && state.managedPromotionBlocker ? `; ${state.managedPromotionBlocker}` : ''),
      desired: 'writer (available, or backing up after its promotion)',
      done,
      // On its way: a writer still settling (modifying, rebooting), a promotion under way, or (after our own act, per the
      // journal) a replica that is modifying. A replica merely busy (a backup: RDS refuses to promote it then) is not pending:
      // it still needs the act, which waits for it.
      pending:
        state.exists &&
        !done &&
        (state.role === 'writer' || state.status === 'promoting' || (ctx.actInFlight && state.status === 'modifying')),
    };
  };
  const promote = step({
    id: options.id,
    title: options.title,
    role: { kind: 'promotion', mode: options.mode, side: options.side },
    timeoutMs: options.timeoutMs ?? busyWaitMs + 30 * 60_000,
    pollMs: 200,
    maxPollMs: 10_000,
    observe,
    async act(ctx) {
      const ref = regionOf(ctx, options.side).database;
      for (;;) {
        const state = await waitWhileBusy(ctx, options.id, ref, busyWaitMs, 'promoting it (RDS refuses to promote a replica that is backing up)');
        let detach = false;
        if (state.managedPromotionBlocker) {
          if (!options.detachGate || !approved(ctx.run, options.detachGate.id)) {
            throw new PermanentError(`${databaseLabel(regionOf(ctx, options.side))}: ${state.managedPromotionBlocker}${options.detachGate ? ` (the detach was not approved at ${options.detachGate.id})` : ''}`);
          }
          detach = true;
        }
        try {
          return (await ctx.cloud.database.promote(ref, options.mode, detach ? { detach } : {})) ?? {};
        } catch (err) {
          if (!refusedForState(err)) throw err;
          // Refused for its state: a promotion of ours already under way (its answer lost), or a backup that began just now.
          const seen = await watchAfterRefusal(ctx, ref, (s) => s.exists && (s.role === 'writer' || s.status === 'promoting' || (s.role === 'replica' && s.status === 'modifying')));
          if (seen === 'shown') return { recoveredFrom: String((err as Error).message).slice(0, 500) };
          if (seen === 'unchanged') throw err;
        }
      }
    },
    async verify(ctx, acted) {
      const seen = await observe(ctx);
      ctx.observed?.(describeObservation(seen));
      if (!seen.done) return false;
      if (acted?.['restoreMultiAz'] === true) await restoreMultiAz(ctx, options.side);
      return true;
    },
  });
  if (!options.detachGate || options.detachGate.separate) return promote;
  return sequence(detachGate(options.detachGate, options.side), promote);
}

/** Rebooted after its promotion and taking writes. */
function promoted(state: DatabaseState): boolean {
  return state.exists && state.role === 'writer' && (state.status === 'available' || state.status === 'backing-up');
}

/** An operator approved the gate in this run. */
function approved(run: RunRecord, gateId: string): boolean {
  return (run.approvals ?? []).some((a) => a.stepId === gateId && a.decision === 'approved');
}

/**
 * Ask for Multi-AZ on the new writer. Never holds traffic back: a writer
 * that cannot take the change yet (its first backup runs) is asked again
 * by the controller after the run (src/controller/failover-leftovers.ts).
 */
async function restoreMultiAz(ctx: StepContext, side: Side): Promise<void> {
  const region = regionOf(ctx, side);
  if (!ctx.cloud.database.restoreMultiAz) return;
  try {
    if (await ctx.cloud.database.restoreMultiAz(region.database)) ctx.log.info({ resource: databaseLabel(region) }, 'Multi-AZ requested for the new writer, as the writer it replaces had');
    else ctx.log.warn({ resource: databaseLabel(region) }, 'the new writer cannot take Multi-AZ yet (busy): the controller asks again after the run');
  } catch (err) {
    if (isTransient(err)) throw err;
    ctx.log.warn({ resource: databaseLabel(region), err: String(err) }, 'Multi-AZ could not be requested for the new writer: request it by hand');
  }
}

/**
 * The detach gate of `promoteDatabase`, to place in a runbook of its own.
 * Aurora's managed failover and switchover need the same engine version on
 * both sides (Aurora User Guide, "Using switchover or failover in Amazon
 * Aurora Global Database"). When they differ, the way left is to detach the
 * secondary (RemoveFromGlobalCluster) and let it write on its own: the
 * global database loses it and must be rebuilt, so a person decides. The
 * gate needs nobody (it is skipped) whenever a managed promotion can work,
 * or the database already writes.
 */
export function detachGate(gate: { id: string; title: string }, side: Side): RunbookNode {
  return step({
    id: gate.id,
    title: gate.title,
    timeoutMs: 24 * 3600_000,
    async observe(ctx) {
      const region = regionOf(ctx, side);
      // An RDS instance has no global cluster to fail over or detach from: nothing to ask, and nothing read.
      if (region.database.engine !== 'aurora-global') {
        return { resource: databaseLabel(region), current: 'not needed: an RDS replica is promoted on its own', desired: 'a managed promotion, or an approved detach', done: true };
      }
      const state = await ctx.cloud.database.describe(region.database);
      const blocked = state.exists && state.role === 'replica' && state.managedPromotionBlocker !== undefined;
      return {
        resource: databaseLabel(region),
        current: blocked ? `managed failover impossible: ${state.managedPromotionBlocker}` : 'managed promotion possible (or already a writer)',
        desired: 'a managed promotion, or an approved detach',
        done: !blocked,
      };
    },
    approval: {
      timeoutMs: 30 * 60_000,
      timeoutFromPolicy: true,
      onTimeout: 'fail',
      async reason(ctx) {
        const region = regionOf(ctx, side);
        const state = await ctx.cloud.database.describe(region.database);
        return (
          `${databaseLabel(region)}: ${state.managedPromotionBlocker ?? 'managed failover impossible'}. ` +
          'Approve to detach it from its global database and promote it on its own (RemoveFromGlobalCluster): it takes writes at once, ' +
          'the global database loses this region and must be rebuilt from it, and the old primary must not take writes again. Reject to stop the run.'
        );
      },
    },
  });
}
