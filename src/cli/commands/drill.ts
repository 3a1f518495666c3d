import { type Command, Option } from 'commander';
import type { DrillReport, DrillView } from '../api-types.js';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode, usageError } from '../exit-codes.js';
import { formatDrill, formatDrillEvent, formatDrillStart } from '../format.js';
import { POLL_MS } from '../wait-for-run.js';
import { showPlan } from './plan.js';

/** Options of `failover drill`. */
interface DrillOptions {
  app?: string;
  mode: 'plan' | 'game-day';
  to?: string;
  failback: boolean;
  decision?: 'controller' | 'operator';
  /** Named runbooks to run once failed over, in order (repeatable `--runbook`). */
  runbook: string[];
  wait?: boolean;
  id?: string;
}

/** The API answers with the drill, or with `{drill, report?}`. */
type DrillAnswer = DrillView | { drill: DrillView; report?: DrillReport };

/**
 * `failover drill [--mode plan|game-day] [--app] [--to] [--no-failback] [--decision controller|operator] [--runbook NAME]… [--wait]`.
 * A plan changes nothing; a game day runs a real failover (and failback)
 * and times each phase against the RTO; each `--runbook` is a named runbook
 * of the application it runs by hand once failed over, before the failback. With --wait the command prints what
 * the drill does as it goes, then its report, and exits 1 when the drill
 * failed or was aborted.
 */
export function registerDrill(program: Command, ctx: CliContext): void {
  const drill = program
    .command('drill')
    .description('a drill: a plan (changes nothing) or a game day (a real failover and failback, each phase timed against the RTO)')
    .addOption(new Option('--mode <mode>', 'plan or game-day').choices(['plan', 'game-day']).default('plan'))
    .option('--app <name>', 'the application (may be left out when there is one)')
    .option('--to <region>', 'the region to fail over to')
    .option('--no-failback', 'game day: stay in the other region (no failback at the end)')
    .addOption(new Option('--decision <who>', 'game day: who decides to fail over once the region is judged down (default: controller when automatic failover is on)').choices(['controller', 'operator']))
    .option('--runbook <name>', 'game day: a named runbook to run once failed over, before the failback (repeatable; run in order)', collect, [])
    .option('--wait', 'game day: follow the drill to its report; exit 1 if it failed')
    .option('--id <drill-id>', 'show an existing game day (with --wait, follow it) instead of starting one')
    .action(async (options: DrillOptions) => {
      if (options.id !== undefined) {
        ctx.exitCode = await followDrill(ctx, unwrap(await (await ctx.client()).get<DrillAnswer>(`/drills/${encodeURIComponent(options.id)}`)), options.wait === true);
        return;
      }
      if (options.mode === 'plan') {
        // A plan of one named runbook is `failover plan --runbook NAME`; this one plans the failover only.
        if (options.runbook.length > 0) {
          throw usageError('--runbook: only with --mode game-day; plan a named runbook with `failover plan --runbook NAME`');
        }
        await showPlan(ctx, { ...(options.app !== undefined ? { app: options.app } : {}), ...(options.to !== undefined ? { to: options.to } : {}) });
        ctx.exitCode = EXIT.ok;
        return;
      }
      const client = await ctx.client();
      const body = {
        mode: 'game-day',
        failback: options.failback,
        ...(options.app !== undefined ? { app: options.app } : {}),
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.decision !== undefined ? { decision: options.decision } : {}),
        ...(options.runbook.length > 0 ? { runbooks: options.runbook } : {}),
      };
      const started = unwrap(await client.post<DrillAnswer>('/drills', body));
      if (!options.wait) {
        ctx.emit(started, () => `${formatDrillStart(started.drill)}\nfollow it with: failover drill --id ${started.drill.id} --wait`);
        ctx.exitCode = EXIT.ok;
        return;
      }
      ctx.say(formatDrillStart(started.drill));
      ctx.exitCode = await followDrill(ctx, started, true);
    });
  drill
    .command('abort <drill-id>')
    .description('abort a game day: heal the fault it injected and start nothing more (a run in flight finishes)')
    .option('--reason <text>', 'why, for the report and the audit trail')
    .action(async (id: string, options: { reason?: string }) => {
      const answer = await (await ctx.client()).post<DrillAnswer>(`/drills/${encodeURIComponent(id)}/abort`, options.reason !== undefined ? { reason: options.reason } : {});
      const view = unwrap(answer).drill;
      ctx.emit(answer, () => `${formatDrill(view)}\nfollow it with: failover drill --id ${view.id} --wait`);
      ctx.exitCode = EXIT.ok;
    });
}

/**
 * Show a drill; with `wait`, poll it until it ends, printing each thing it
 * does as it happens, then its report. Followed: 0 when it succeeded, 1
 * when it failed or was aborted.
 */
async function followDrill(ctx: CliContext, first: { drill: DrillView; report?: DrillReport }, wait: boolean): Promise<ExitCode> {
  const client = await ctx.client();
  let { drill, report } = first;
  if (wait) {
    let shown = 0;
    for (;;) {
      // Events are appended, never rewritten: print the ones not shown yet.
      for (const event of drill.events.slice(shown)) ctx.say(formatDrillEvent(event));
      shown = drill.events.length;
      if (drill.status !== 'running') break;
      await ctx.io.sleep(POLL_MS);
      ({ drill, report } = unwrap(await client.get<DrillAnswer>(`/drills/${encodeURIComponent(drill.id)}`)));
    }
  }
  const final = report ?? drill.report ?? (await client.get<DrillReport>(`/drills/${encodeURIComponent(drill.id)}/report`));
  ctx.emit({ drill, report: final }, () => formatDrill(drill, final));
  // Shown, not followed: like `runs RUN_ID`, showing worked whatever the drill's state.
  if (!wait) return EXIT.ok;
  return drill.status === 'succeeded' ? EXIT.ok : EXIT.failed;
}

/** Commander's accumulator for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function unwrap(answer: DrillAnswer): { drill: DrillView; report?: DrillReport } {
  return 'drill' in answer ? answer : { drill: answer };
}
