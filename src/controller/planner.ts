import type { Logger } from 'pino';
import type { AppConfig } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { RunKind, RunRecord } from '../runbook/run.js';
import { flattenSteps, type Runbook, type StepContext } from '../runbook/step.js';
import { findRegion } from './app-lookup.js';

/** One step of a plan: the resource, what it is now and what the run would make it. */
export interface PlannedStep {
  id: string;
  title: string;
  resource: string;
  current: string;
  desired: string;
  /** `act` when the step would change something now, `none` when its goal already holds, `unknown` when the resource could not be read. */
  action: 'act' | 'none' | 'unknown';
}

/** A dry run: what a run would do, with nothing changed. */
export interface RunPlan {
  app: string;
  kind: RunKind;
  runbook: string;
  from: string;
  to: string;
  steps: PlannedStep[];
  note: string;
}

/**
 * Observe every step of a runbook against the real world without acting.
 * Only read calls are made (the steps' `observe`); nothing changes.
 */
export async function planRun(
  book: Runbook,
  request: { app: AppConfig; kind: RunKind; from: string; to: string },
  deps: { cloud: CloudProviders; prober: Prober; clock: Clock; log: Logger },
): Promise<RunPlan> {
  const run: RunRecord = {
    id: 'plan',
    app: request.app.name,
    kind: request.kind,
    runbook: book.name,
    from: request.from,
    to: request.to,
    trigger: 'manual',
    reason: 'plan',
    status: 'running',
    createdAt: deps.clock.now(),
    steps: [],
  };
  const ctx: StepContext = {
    run,
    app: request.app,
    from: findRegion(request.app, request.from, 'from'),
    to: findRegion(request.app, request.to),
    cloud: deps.cloud,
    prober: deps.prober,
    clock: deps.clock,
    log: deps.log,
    signal: new AbortController().signal,
  };
  const steps = await Promise.all(
    flattenSteps(book.root).map(async (s): Promise<PlannedStep> => {
      try {
        const o = await s.observe(ctx);
        return { id: s.id, title: s.title, resource: o.resource, current: o.current, desired: o.desired, action: o.done ? 'none' : 'act' };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { id: s.id, title: s.title, resource: '?', current: `unreadable: ${message}`, desired: '?', action: 'unknown' };
      }
    }),
  );
  return {
    app: request.app.name,
    kind: request.kind,
    runbook: book.name,
    from: request.from,
    to: request.to,
    steps,
    note: 'Each step is observed as the world is now; at run time every step is checked again just before it acts.',
  };
}
