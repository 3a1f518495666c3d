import { type RunbookNode, step } from '../step.js';
import { regionCaughtUp } from './replication-evidence.js';
import { databaseLabel, otherSide, regionOf, type Side } from './side.js';

/**
 * Wait until a side's replica has replayed everything its writer (the
 * other side) had when writes were frozen: the step to place right after
 * the one that freezes writes, before a planned promotion (failback's
 * `wait-original-replica-caught-up`).
 *
 * The freeze is taken to hold from this step's own start on: the runbook
 * puts the freeze step before it, so nothing here depends on the fence's
 * step ids. With heartbeat sources in both regions, "caught up" compares
 * positions (the replica's replayed heartbeat at least the writer's newest,
 * read after it: caughtUpAfterFreeze), which works on an idle PostgreSQL.
 * With only CloudWatch: the newest lag datapoint taken after this step
 * began is a lag (not -1) of at most `maxLagSeconds`; on PostgreSQL that
 * may never hold once writes stop (its ReplicaLag counts the time since the
 * last replayed transaction), and the step times out (see README
 * "Replication lag").
 */
export function waitForReplicaCaughtUp(options: { id: string; title: string; side: Side; maxLagSeconds: number }): RunbookNode {
  return step({
    id: options.id,
    title: options.title,
    timeoutMs: 30 * 60_000,
    pollMs: 1_000,
    async observe(ctx) {
      const replica = regionOf(ctx, options.side);
      const writer = regionOf(ctx, otherSide(options.side));
      const since = ctx.run.steps.find((s) => s.id === options.id)?.startedAt ?? ctx.clock.now();
      const result = await regionCaughtUp(ctx, replica, writer, { since, maxLagSeconds: options.maxLagSeconds });
      return {
        resource: databaseLabel(replica),
        current: result.current,
        desired:
          result.source === 'heartbeat'
            ? `replayed the writer's heartbeat as of the write freeze (${writer.name})`
            : `a lag datapoint from after the write freeze of at most ${options.maxLagSeconds} s`,
        done: result.done,
      };
    },
  });
}
