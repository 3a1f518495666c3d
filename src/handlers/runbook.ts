import { createCloudProviders } from '../adapters/aws/aws-providers.js';
import { createNotifier } from '../adapters/aws/notifier-factory.js';
import { SnsClients } from '../adapters/aws/sns-clients.js';
import { IamClients, IamPermissions } from '../adapters/aws/iam-permissions.js';
import { simulationBatches, type StackNames } from '../deploy/iam-policy.js';
import type { RunbookPermissions } from '../readiness/permission-readiness.js';
import { PermanentError } from '../errors/errors.js';
import { EmfMetrics } from '../adapters/metrics/emf-metrics.js';
import type { Logger } from 'pino';
import type { Controller } from '../controller/controller.js';
import type { RunRecord, RunStatus } from '../runbook/run.js';
import { awsHandler, type FunctionParts } from './compose-aws.js';
import { directWorld } from './direct-world.js';
import { type HandlerDeps, type InvocationContext, invocationController, pause } from './handler-deps.js';

/** Tuning of the runbook worker. */
export interface RunbookHandlerOptions {
  /**
   * Pause runs at their next step boundary or poll once the invocation has
   * less than this left. It must cover the longest wait between two such
   * points (a verify poll, at most 5 s, or a retry backoff) plus the journal
   * writes. Default 30 s.
   */
  pauseMarginMs?: number;
  /** While runs execute, look for new runs this often. Default 5 s. */
  pollForRunsMs?: number;
  /** The worker's role and its runbooks' calls, for the permissions readiness check (runbookPermissions below). */
  permissions?: RunbookPermissions;
}

/** How long an invocation spends reading the world after its runs (what is left is read by the next one). */
const WATCH_BUDGET_MS = 15_000;

/** What one invocation did. */
export interface RunbookSummary {
  /** Runs taken up here and where each stood at the end of the invocation (`running`: paused, to go on in the next invocation). */
  runs: { id: string; status: RunStatus | 'unknown' }[];
}

/**
 * The runbook worker: invoked asynchronously when a run is handed to it,
 * and scheduled every minute as a backstop. It resumes every `running` run
 * into this stack's region from its journal (steps that succeeded are not
 * run again; a step whose act was in flight is checked against the real
 * world first) and executes it until it ends or the invocation is about to
 * end, in which case the run pauses at a step boundary or between polls
 * and the next invocation continues it. While runs execute it keeps looking
 * for new ones, and it returns as soon as none is left, after one more try
 * at what failovers left pending (pending-fences.ts, failover-leftovers.ts)
 * and a look at the world (readiness and drift, world-watch.ts).
 *
 * serverless.yml keeps the worker to one concurrent execution: two workers
 * must never drive the same run side by side.
 */
export function createRunbookHandler(deps: HandlerDeps, options: RunbookHandlerOptions = {}) {
  const pauseMarginMs = options.pauseMarginMs ?? 30_000;
  const pollForRunsMs = options.pollForRunsMs ?? 5_000;
  return async (event: unknown, context: InvocationContext): Promise<RunbookSummary> => {
    const log = deps.log.child({ fn: 'runbook', invocation: context.awsRequestId });
    const metrics = deps.metrics?.();
    const extra = { ...(options.permissions ? { permissions: options.permissions } : {}), ...(metrics ? { metrics } : {}) };
    const controller = invocationController(deps, { region: deps.region }, log, extra);
    log.debug({ event }, 'runbook invocation');
    try {
      return await work(controller, log, context, () => void metrics?.flush({ gauges: false }));
    } finally {
      // The runs' and steps' metrics; the gauges are the probe function's (it judges the regions every round).
      await metrics?.flush({ gauges: false });
    }
  };

  /** `flush` prints the metrics recorded so far: a run that ended is counted then, not when the whole invocation ends. */
  async function work(controller: Controller, log: Logger, context: InvocationContext, flush: () => void): Promise<RunbookSummary> {
    const shouldPause = () => context.getRemainingTimeInMillis() <= pauseMarginMs;
    await controller.init();
    const outcomes = new Map<string, RunRecord | undefined>();
    const active = new Map<string, Promise<void>>();
    // Out of time, a run paused here would only be taken up again to pause at once: stop looking then.
    while (!shouldPause()) {
      for (const id of await controller.resumeRuns({ shouldPause })) {
        const done = controller
          .waitForRun(id)
          .then((run) => {
            outcomes.set(id, run);
            flush();
          })
          .catch((err: unknown) => {
            outcomes.set(id, undefined);
            log.error({ runId: id, err }, 'run execution failed');
          })
          .finally(() => active.delete(id));
        active.set(id, done);
      }
      if (active.size === 0) break;
      const wake = new AbortController();
      await Promise.race([...active.values(), pause(deps.clock, pollForRunsMs, wake.signal)]);
      wake.abort();
    }
    await Promise.all(active.values());
    await controller.settled();
    // Once no run holds them: what failovers left while their old region did not answer (fences, Aurora's lost writes).
    await controller.finishLeftovers();
    // Every minute, this stack reads the world: drift every time, readiness of failovers into its region every few minutes.
    // Bounded: the worker runs one invocation at a time, and a run handed to it meanwhile waits in Lambda's queue.
    await Promise.race([controller.watchWorld(), pause(deps.clock, Math.min(WATCH_BUDGET_MS, Math.max(0, context.getRemainingTimeInMillis() - pauseMarginMs)))]);
    const summary: RunbookSummary = { runs: [...outcomes].map(([id, run]) => ({ id, status: run?.status ?? 'unknown' })) };
    if (summary.runs.length > 0) log.info(summary, 'runbook invocation done');
    return summary;
  }
}

/**
 * The worker uses every cloud port and probes (verify steps), and executes
 * runs without ever handing one on (its role may not invoke a function): no
 * Lambda client in its bundle.
 */
export const runbookParts: FunctionParts = {
  world: directWorld(createCloudProviders),
  // Its runs' and steps' metrics, as CloudWatch EMF.
  metrics: (options) => new EmfMetrics(options),
  // Its world watch notifies a readiness check that starts failing and a drift that appears.
  notifier: (config, log) => createNotifier(config, log, new SnsClients({ endpoints: config.endpoints })),
  dispatcher: () => ({
    dispatch: () => Promise.reject(new PermanentError('the runbook worker executes runs; it never hands them to another function')),
  }),
};

/** The Lambda entry point (serverless.yml: src/handlers/runbook.handler), composed from the environment on first use. */
export const handler = awsHandler(runbookParts, (deps) => createRunbookHandler(deps, { ...runbookPermissions(deps, process.env) }));

/**
 * The permissions check's inputs, from the stack's environment: the role
 * (RUNBOOK_ROLE_ARN, which serverless.yml sets), the state table, and the
 * stack's name, partition and account read from the role's ARN. Absent
 * (and the check with it) when the environment does not name the role.
 */
export function runbookPermissions(deps: Pick<HandlerDeps, 'config' | 'region'>, env: Record<string, string | undefined>): { permissions?: RunbookPermissions } {
  const roleArn = env['RUNBOOK_ROLE_ARN'];
  const match = roleArn?.match(/^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?(.+)-RunbookRole-[^/]+$/);
  if (!roleArn || !match) return {};
  const [, partition, accountId, stackName] = match as unknown as [string, string, string, string];
  const names: StackNames = { tableName: env['STATE_TABLE'] ?? '', functionNames: { probe: '', api: '', runbook: env['RUNBOOK_FUNCTION'] ?? '', reader: '' } };
  const batches = simulationBatches(deps.config, names, { partition, accountId, region: deps.region, stackName });
  return { permissions: { api: new IamPermissions(new IamClients({ endpoints: deps.config.endpoints }), deps.region), roleArn, batches } };
}
