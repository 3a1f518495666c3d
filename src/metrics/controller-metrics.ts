import type { HealthState, RegionHealth } from '../health/region-health.js';
import type { Decision } from '../policy/decision.js';
import type { ProbeResult } from '../probes/types.js';
import type { RunRecord } from '../runbook/run.js';
import type { RunbookNode } from '../runbook/step.js';
import { type GaugeSample, type MetricsSink, NO_METRICS } from '../ports/metrics-sink.js';
import type { AvailabilityReport } from '../availability/types.js';
import type { CheckStatus, ReadinessCheck, DriftFinding } from '../readiness/world-report.js';
import { METRICS } from './catalog.js';

const HEALTH_STATES: readonly HealthState[] = ['unknown', 'healthy', 'suspect', 'unhealthy', 'recovering'];
const CHECK_STATUSES: readonly CheckStatus[] = ['ok', 'warning', 'failing'];

/** One probe of a round, with where it went. */
export interface ProbeSample {
  app: string;
  region: string;
  result: ProbeResult;
}

/** What the gauges of one application are read from when the metrics are collected. */
export interface AppGaugeView {
  app: string;
  activeRegion: string;
  health: Record<string, RegionHealth>;
  readiness?: { checks: ReadinessCheck[]; drift: DriftFinding[] };
  availability?: AvailabilityReport;
}

/**
 * The controller's metrics in the domain's words: a round's probes, a
 * decision, an ended run, a round's timing, and the gauges of the present.
 * Maps them onto the catalogue's names and labels; the sink exports them.
 */
export class ControllerMetrics {
  constructor(
    private readonly sink: MetricsSink,
    private readonly vantage: string,
  ) {}

  /**
   * Make the counters an operator alerts on exist at 0 for every
   * application, so that Prometheus's `increase()` sees their first event
   * (a series born at 1 has no increase). CloudWatch is sent no zeros.
   */
  declare(apps: readonly string[]): void {
    for (const app of apps) {
      for (const action of ['hold', 'failover', 'failback']) this.sink.add(METRICS.decisions, { app, action }, 0);
      for (const kind of ['failover', 'failback']) {
        for (const trigger of ['automatic', 'manual']) {
          for (const outcome of ['succeeded', 'failed', 'cancelled']) this.sink.add(METRICS.runs, { app, kind, trigger, outcome }, 0);
        }
      }
    }
  }

  /** Every probe of a round: its latency and its outcome. */
  probes(samples: readonly ProbeSample[]): void {
    // The hot path (every probe of every round): nothing to build when nothing records.
    if (this.sink === NO_METRICS) return;
    const vantage = this.vantage;
    for (const { app, region, result } of samples) {
      // Object literals: a spread with a property added is several times slower to build, a thousand times a round.
      this.sink.observe(METRICS.probeLatency, { app, region, vantage }, result.latencyMs / 1000);
      this.sink.add(METRICS.probes, { app, region, vantage, outcome: result.ok ? 'ok' : (result.error ?? 'other') });
    }
  }

  /** A round's decision. */
  decision(decision: Decision): void {
    this.sink.add(METRICS.decisions, { app: decision.app, action: decision.action });
  }

  /**
   * An outage detected: from its first failed probe to the decision that
   * started its failover. The caller counts each outage once (not a retry).
   */
  detected(decision: Extract<Decision, { action: 'failover' }>): void {
    this.sink.observe(METRICS.detectionLatency, { app: decision.app, region: decision.from }, Math.max(0, decision.at - decision.outageStartedAt) / 1000);
  }

  /**
   * A run that ended: its outcome and duration, each step's duration, and
   * the time its traffic switch took until DNS answered with the new region
   * (the step whose role is `traffic` ends when its verification saw that).
   */
  runEnded(run: RunRecord, runbook: RunbookNode | undefined, trafficMode: string): void {
    if (run.status === 'running') return;
    const outcome = run.status;
    this.sink.add(METRICS.runs, { app: run.app, kind: run.kind, trigger: run.trigger, outcome });
    if (run.finishedAt !== undefined) this.sink.observe(METRICS.runDuration, { app: run.app, kind: run.kind, outcome }, seconds(run.finishedAt - run.createdAt));
    const traffic = runbook ? trafficSteps(runbook) : new Set<string>();
    for (const step of run.steps) {
      if (step.startedAt === undefined || step.finishedAt === undefined || step.status === 'pending' || step.status === 'running') continue;
      const took = seconds(step.finishedAt - step.startedAt);
      this.sink.observe(METRICS.stepDuration, { app: run.app, kind: run.kind, step: step.id, outcome: step.status }, took);
      if (traffic.has(step.id) && step.status === 'succeeded') this.sink.observe(METRICS.dnsSwitch, { app: run.app, region: run.to, mode: trafficMode }, took);
    }
  }

  /** A round that failed before it completed (its probes, records or decisions): it is not counted as a round. */
  roundFailed(): void {
    this.sink.add(METRICS.roundErrors, { vantage: this.vantage });
  }

  /** A completed round's timing: how late it started after it was due, and how long it took. */
  round(timing: { dueAt: number; startedAt: number; endedAt: number }): void {
    this.sink.observe(METRICS.roundLateness, { vantage: this.vantage }, seconds(Math.max(0, timing.startedAt - timing.dueAt)));
    this.sink.observe(METRICS.roundDuration, { vantage: this.vantage }, seconds(Math.max(0, timing.endedAt - timing.startedAt)));
  }

  /** Register the collector of the gauges of the present, read from `views` at each collection. */
  collect(views: () => Promise<AppGaugeView[]>): void {
    this.sink.collectGauges(async () => (await views()).flatMap(gaugesOf));
  }
}

/** The gauges of one application now. */
export function gaugesOf(view: AppGaugeView): GaugeSample[] {
  const { app } = view;
  const samples: GaugeSample[] = [];
  for (const [region, health] of Object.entries(view.health)) {
    for (const state of HEALTH_STATES) samples.push({ metric: METRICS.regionState, labels: { app, region, state }, value: health.state === state ? 1 : 0 });
    samples.push({ metric: METRICS.regionActive, labels: { app, region }, value: region === view.activeRegion ? 1 : 0 });
  }
  if (view.readiness) {
    for (const check of view.readiness.checks) {
      for (const status of CHECK_STATUSES) {
        samples.push({ metric: METRICS.readinessCheck, labels: { app, region: check.region, check: check.id, status }, value: check.status === status ? 1 : 0 });
      }
    }
    const failing = [...view.readiness.checks, ...view.readiness.drift].filter((c) => c.status === 'failing').length;
    samples.push({ metric: METRICS.readinessFailing, labels: { app }, value: failing });
  }
  for (const window of view.availability?.windows ?? []) {
    samples.push({ metric: METRICS.errorBudget, labels: { app, window: window.window }, value: Number((window.budgetLeftPercent / 100).toFixed(4)) });
  }
  return samples;
}

/** The ids of the steps that move traffic (role `traffic`) anywhere in a runbook. */
export function trafficSteps(node: RunbookNode): Set<string> {
  if (node.kind === 'step') return node.step.role?.kind === 'traffic' ? new Set([node.step.id]) : new Set();
  return new Set(node.children.flatMap((child) => [...trafficSteps(child)]));
}

function seconds(ms: number): number {
  return ms / 1000;
}
