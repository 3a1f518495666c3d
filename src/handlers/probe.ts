import { LambdaRunDispatcher } from '../adapters/aws/lambda-dispatcher.js';
import type { RunRecord } from '../runbook/run.js';
import type { Prober } from '../ports/prober.js';
import { awsHandler, type FunctionParts } from './compose-aws.js';
import { createNotifier } from '../adapters/aws/notifier-factory.js';
import { SnsClients } from '../adapters/aws/sns-clients.js';
import { type HandlerDeps, type InvocationContext, invocationController, pause } from './handler-deps.js';
import { directWorld } from './direct-world.js';
import { probeProviders } from './probe-providers.js';
import { EmfMetrics } from '../adapters/metrics/emf-metrics.js';
import { AvailabilityLedger } from '../availability/ledger.js';

/** Tuning of the probe handler. */
export interface ProbeHandlerOptions {
  /**
   * Stop probing this long before the invocation's deadline. Default: the
   * longest probe timeout plus 5 s, so the last round and its writes finish.
   */
  stopMarginMs?: number;
  /** How often a run handed to the worker is read back from the store. Default 2 s. */
  followPollMs?: number;
}

/** What one invocation did. */
export interface ProbeSummary {
  startedAt: string;
  endedAt: string;
  /** Probe rounds (every application due at a tick is probed in one round). */
  rounds: number;
  /** Runs created here and handed to the runbook worker. */
  runsHandedOff: string[];
}

/**
 * The probe function, scheduled every minute. Within one invocation it runs
 * the controller loop (probe every region, judge, decide, record) every
 * probeIntervalSeconds until shortly before the invocation ends, so that
 * detection is not limited to once a minute. When the policy fails over
 * into this stack's region, the run is created here and handed to the
 * runbook worker (asynchronous invocation); a failover into another region
 * is left to that region's stack. A handed-off run is followed in the store
 * while the invocation lasts, so that the controller learns the new active
 * region as soon as the run ends.
 *
 * Each invocation starts from what the store and DNS say (Controller.init):
 * a run executed elsewhere, or an operator's move, is never missed.
 */
export function createProbeHandler(deps: HandlerDeps, options: ProbeHandlerOptions = {}) {
  const stopMarginMs = options.stopMarginMs ?? defaultStopMargin(deps);
  const followPollMs = options.followPollMs ?? 2_000;
  // One per container: warm invocations share its cache of the ledger's settled hours (the error budget gauge).
  const availability = new AvailabilityLedger({ store: deps.store, clock: deps.clock });
  return async (event: unknown, context: InvocationContext): Promise<ProbeSummary> => {
    const { clock } = deps;
    const log = deps.log.child({ fn: 'probe', invocation: context.awsRequestId });
    const startedAt = clock.now();
    const handedOff: RunRecord[] = [];
    let rounds = 0;
    const heartbeat = deps.prober.heartbeat?.bind(deps.prober);
    const prober: Prober = { round: (targets) => (rounds++, deps.prober.round(targets)), ...(heartbeat ? { heartbeat } : {}) };
    const dispatcher = { dispatch: async (run: RunRecord) => (handedOff.push(run), deps.dispatcher.dispatch(run)) };
    const follow = new AbortController();
    const metrics = deps.metrics?.();
    const placement = { region: deps.region, handoff: { dispatcher, follow: { signal: follow.signal, pollMs: followPollMs } } };
    const controller = invocationController({ ...deps, prober }, placement, log, metrics ? { metrics, availability } : {});
    log.debug({ event }, 'probe invocation');
    try {
      await controller.init();
      controller.start();
      await pause(clock, context.getRemainingTimeInMillis() - stopMarginMs);
      follow.abort();
      await controller.stop();
      await controller.drainVotes();
      await controller.settled();
    } finally {
      // The rounds' metrics, then the gauges of the present (region states, readiness, error budget), as EMF,
      // the gauges' store reads within what is left of the invocation.
      await metrics?.flush({ deadlineMs: Math.min(5_000, context.getRemainingTimeInMillis() - 1_000) });
    }
    const summary: ProbeSummary = { startedAt: iso(startedAt), endedAt: iso(clock.now()), rounds, runsHandedOff: handedOff.map((r) => r.id) };
    log.info(summary, 'probe invocation done');
    return summary;
  };
}

/** The longest probe timeout of any application, plus 5 s for the round's writes and the decision. */
function defaultStopMargin(deps: HandlerDeps): number {
  const timeouts = deps.config.applications.flatMap((a) => a.regions.flatMap((r) => r.probes.map((p) => p.timeoutMs)));
  return Math.max(0, ...timeouts) + 5_000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The probe's cloud is Route 53 alone, and it probes; it hands runs into this region to the worker. */
export const probeParts: FunctionParts = {
  world: directWorld(probeProviders),
  dispatcher: (runbookFunction, options) => new LambdaRunDispatcher(runbookFunction, options),
  // The probe decides: decisions that act or page go to the configured webhook and/or SNS topic.
  notifier: (config, log) => createNotifier(config, log, new SnsClients({ endpoints: config.endpoints })),
  // Its rounds, probes and decisions, and the gauges of the present, as CloudWatch EMF.
  metrics: (options) => new EmfMetrics(options),
};

/** The Lambda entry point (serverless.yml: src/handlers/probe.handler), composed from the environment on first use. */
export const handler = awsHandler(probeParts, (deps) => createProbeHandler(deps));
