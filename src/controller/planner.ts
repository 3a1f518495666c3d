import type { Logger } from 'pino';
import type { AppConfig } from '../config/types.js';
import type { Clock } from '../ports/clock.js';
import type { Prober } from '../ports/prober.js';
import type { CloudProviders } from '../ports/providers.js';
import type { FenceStore, TrafficStore } from '../ports/state-store.js';
import type { Config } from '../config/types.js';
import { type StabilityFinding, staticStabilityFindings } from '../traffic/static-stability.js';
import type { RunKind, RunRecord } from '../runbook/run.js';
import { flattenSteps, type Runbook, type RunbookNode, type StepContext } from '../runbook/step.js';
import { findRegion } from './app-lookup.js';
import type { ReadinessCheck } from '../readiness/world-report.js';

/** One step of a plan: the resource, what it is now and what the run would make it. */
export interface PlannedStep {
  id: string;
  title: string;
  resource: string;
  current: string;
  desired: string;
  /** `act` when the step would change something now, `none` when its goal already holds, `unknown` when the resource could not be read. */
  action: 'act' | 'none' | 'unknown';
  /** Median duration of this step in past successful runs of the runbook, when there are any. */
  expectedMs?: number;
}

/** A dry run: what a run would do, with nothing changed. */
export interface RunPlan {
  app: string;
  kind: RunKind;
  runbook: string;
  from: string;
  to: string;
  steps: PlannedStep[];
  /** Expected duration of the whole run from past runs (parallel groups count their longest branch); absent without history. */
  expectedMs?: number;
  /** How many past successful runs the expectations come from. */
  basedOnRuns: number;
  note: string;
  /** Calls on this path into what the outage of `from` may take down with it, and their fixes (static-stability check). */
  staticStability: StabilityFinding[];
  /** Set when the run would be refused as asked (a failover into a region whose database is not a replica of the current writer): why. */
  refusal?: string;
  /** The readiness checks of `to`, read for this plan. */
  readiness?: ReadinessCheck[];
  /** What an operator's run would be refused for by its pre-flight gate (overridable with force); absent or empty: it would pass. */
  gate?: string[];
}

/**
 * Observe every step of a runbook against the real world without acting.
 * Only read calls are made (the steps' `observe`); nothing changes.
 */
export async function planRun(
  book: Runbook,
  request: { app: AppConfig; kind: RunKind; from: string; to: string },
  deps: { cloud: CloudProviders; store: FenceStore & TrafficStore; prober: Prober; clock: Clock; log: Logger; config?: Pick<Config, 'notifications'> },
  history: RunRecord[] = [],
): Promise<RunPlan> {
  const past = history.filter((r) => r.runbook === book.name && r.status === 'succeeded');
  const expected = expectedDurations(past);
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
    fences: deps.store,
    // A plan casts no vote: it only reads the intent and the name servers' answers.
    traffic: { store: deps.store, voterRegions: [] },
    prober: deps.prober,
    clock: deps.clock,
    log: deps.log,
    signal: new AbortController().signal,
    actInFlight: false,
  };
  const steps = await Promise.all(
    flattenSteps(book.root).map(async (s): Promise<PlannedStep> => {
      try {
        const o = await s.observe(ctx);
        const step: PlannedStep = { id: s.id, title: s.title, resource: o.resource, current: o.current, desired: o.desired, action: o.done ? 'none' : 'act' };
        if (expected.has(s.id)) step.expectedMs = expected.get(s.id)!;
        return step;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { id: s.id, title: s.title, resource: '?', current: `unreadable: ${message}`, desired: '?', action: 'unknown' };
      }
    }),
  );
  const total = treeDuration(book.root, expected);
  return {
    app: request.app.name,
    kind: request.kind,
    runbook: book.name,
    from: request.from,
    to: request.to,
    steps,
    ...(total !== undefined ? { expectedMs: total } : {}),
    basedOnRuns: past.length,
    staticStability: staticStabilityFindings({ applications: [request.app], notifications: deps.config?.notifications ?? {} }, { app: request.app.name, from: request.from, to: request.to }),
    note: 'Each step is observed as the world is now; at run time every step is checked again just before it acts.',
  };
}

/** Median duration per step id over past runs. */
function expectedDurations(runs: RunRecord[]): Map<string, number> {
  const samples = new Map<string, number[]>();
  for (const run of runs) {
    for (const step of run.steps) {
      if (step.startedAt === undefined || step.finishedAt === undefined) continue;
      samples.set(step.id, [...(samples.get(step.id) ?? []), step.finishedAt - step.startedAt]);
    }
  }
  return new Map([...samples].map(([id, values]) => [id, median(values)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Sequence: the sum; parallel: the longest branch; unknown as soon as one step has no history. */
function treeDuration(node: RunbookNode, expected: Map<string, number>): number | undefined {
  if (node.kind === 'step') return expected.get(node.step.id);
  const parts = node.children.map((c) => treeDuration(c, expected));
  if (parts.some((p) => p === undefined)) return undefined;
  const known = parts as number[];
  return node.kind === 'sequence' ? known.reduce((a, b) => a + b, 0) : Math.max(0, ...known);
}
