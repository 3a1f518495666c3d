import type { RunRecord } from './api-types.js';
import type { CliContext } from './context.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { describeRun, formatRunOutcome } from './format.js';
import { waitForRun } from './wait-for-run.js';

/**
 * After a command started a run: say so, and with `wait` follow it to its
 * end. The exit code is 0 when the run was only started or succeeded, 1 when
 * it failed, was rejected or was cancelled (rolled back or not).
 */
export async function reportStartedRun(ctx: CliContext, run: RunRecord, wait: boolean): Promise<ExitCode> {
  if (!wait) {
    ctx.emit({ run }, () => `run ${run.id} started: ${describeRun(run)}\nfollow it with: failover runs ${run.id}`);
    return EXIT.ok;
  }
  ctx.say(`run ${run.id} started: ${describeRun(run)}`);
  const finished = await waitForRun(await ctx.client(), run.id, { reporter: ctx.reporter(), sleep: ctx.io.sleep });
  ctx.emit({ run: finished }, () => formatRunOutcome(finished));
  return finished.status === 'succeeded' ? EXIT.ok : EXIT.failed;
}
