/**
 * Every metric the controller exports, by name, type, labels and unit: the
 * one list both exporters read, so that a metric has the same name and the
 * same labels in Prometheus (`GET /metrics`, prom-client) and in CloudWatch
 * (Embedded Metric Format through Powertools, where the labels are the
 * dimensions). The Grafana dashboard, the stacks' alarms and the CloudWatch
 * dashboard are written against these names.
 *
 * Names follow Prometheus's conventions (base units, `_total` for counters,
 * `_seconds`, `_ratio`): https://prometheus.io/docs/practices/naming/.
 */

/** The CloudWatch units the exporters use (a subset of EMF's: Seconds, Count, None, Percent). */
export type CloudWatchUnit = 'Seconds' | 'Count' | 'None';

interface Definition<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labels: readonly L[];
  readonly unit: CloudWatchUnit;
  /**
   * Further CloudWatch dimension sets, each a subset of the labels: the
   * roll-ups an alarm reads without knowing every label value (CloudWatch
   * alarms name exact dimensions). Prometheus aggregates with `sum by`.
   */
  readonly rollups?: readonly (readonly L[])[];
}

/** A counter: only goes up. In CloudWatch, each flush sends the increase since the last (statistic Sum). */
export interface CounterDefinition<L extends string = string> extends Definition<L> {
  readonly type: 'counter';
}

/** A gauge: a value now, set when the metrics are collected (a scrape, or the end of a Lambda invocation). */
export interface GaugeDefinition<L extends string = string> extends Definition<L> {
  readonly type: 'gauge';
  /**
   * One-hot (1 for the present state, 0 for the others): CloudWatch gets
   * the 1s only. It bills every dimension combination that receives data,
   * and a state nobody is in reads as missing data, which the stacks' alarms
   * and the dashboard treat as 0. Prometheus gets every value.
   */
  readonly oneHot?: boolean;
}

/** A histogram: observed values (in CloudWatch, every value is sent: percentiles and SampleCount work). */
export interface HistogramDefinition<L extends string = string> extends Definition<L> {
  readonly type: 'histogram';
  /** Prometheus bucket bounds, in the metric's unit. */
  readonly buckets: readonly number[];
}

/** Any metric of the catalogue. */
export type MetricDefinition = CounterDefinition | GaugeDefinition | HistogramDefinition;

/** The label values of one sample of a metric. */
export type LabelsOf<D> = D extends Definition<infer L> ? Record<L, string> : never;

const counter = <L extends string>(d: Omit<CounterDefinition<L>, 'type'>): CounterDefinition<L> => ({ ...d, type: 'counter' });
const gauge = <L extends string>(d: Omit<GaugeDefinition<L>, 'type'>): GaugeDefinition<L> => ({ ...d, type: 'gauge' });
const histogram = <L extends string>(d: Omit<HistogramDefinition<L>, 'type'>): HistogramDefinition<L> => ({ ...d, type: 'histogram' });

/** Probe latencies: a healthy probe answers in tens of milliseconds, a hanging one until its timeout (seconds). */
const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Detection: fallThreshold rounds of probeIntervalSeconds, 10 s to a few minutes. */
const DETECTION_BUCKETS = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];
/** Steps: a DNS read in milliseconds, a promotion in minutes, an approval gate up to an hour. */
const STEP_BUCKETS = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
/** A switch until DNS answers: Route 53 propagates in under a minute, a data-plane switch in its health checks' interval. */
const DNS_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
/** A round's duration and how late it starts: milliseconds normally, the probes' timeout when a region hangs. */
const ROUND_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The metrics, keyed by what the code calls them. */
export const METRICS = {
  probeLatency: histogram({
    name: 'failover_probe_latency_seconds',
    help: 'Latency of each probe of a region (the quickest passing attempt, or the slowest failed one), per application, region and vantage point.',
    labels: ['app', 'region', 'vantage'],
    unit: 'Seconds',
    buckets: PROBE_BUCKETS,
  }),
  probes: counter({
    name: 'failover_probes_total',
    help: 'Probes of a region by outcome: ok, or why it failed (timeout, refused, tls, status, body, dns, reset, other).',
    labels: ['app', 'region', 'vantage', 'outcome'],
    unit: 'Count',
  }),
  regionState: gauge({
    name: 'failover_region_state',
    help: "1 for a region's present health state (unknown, healthy, suspect, unhealthy, recovering) as this controller judges it, 0 for the others.",
    labels: ['app', 'region', 'state'],
    unit: 'None',
    oneHot: true,
  }),
  regionActive: gauge({
    name: 'failover_region_active',
    help: '1 for the region that takes traffic (the active region), 0 for the others.',
    labels: ['app', 'region'],
    unit: 'None',
  }),
  decisions: counter({
    name: 'failover_decisions_total',
    help: 'Decisions of the policy, one per application per round, by action (hold, failover, failback).',
    labels: ['app', 'action'],
    unit: 'Count',
  }),
  runs: counter({
    name: 'failover_runs_total',
    help: 'Runs that ended, by kind (failover, failback, runbook), trigger (automatic, manual) and outcome (succeeded, failed, cancelled).',
    labels: ['app', 'kind', 'trigger', 'outcome'],
    unit: 'Count',
    // The stack's "a run failed" alarm reads {app, outcome}.
    rollups: [['app', 'outcome']],
  }),
  runDuration: histogram({
    name: 'failover_run_duration_seconds',
    help: 'How long runs took from creation to their end, by kind and outcome (a failover run is the recovery part of the RTO).',
    labels: ['app', 'kind', 'outcome'],
    unit: 'Seconds',
    buckets: STEP_BUCKETS,
  }),
  stepDuration: histogram({
    name: 'failover_step_duration_seconds',
    help: 'How long each step of an ended run took, by run kind, step id and step outcome (succeeded, skipped, failed, stopped).',
    labels: ['app', 'kind', 'step', 'outcome'],
    unit: 'Seconds',
    buckets: STEP_BUCKETS,
  }),
  detectionLatency: histogram({
    name: 'failover_detection_latency_seconds',
    help: 'From the first failed probe of an outage of the active region to the decision to fail over, per application and failed region.',
    labels: ['app', 'region'],
    unit: 'Seconds',
    buckets: DETECTION_BUCKETS,
  }),
  dnsSwitch: histogram({
    name: 'failover_dns_switch_seconds',
    help: "From the start of a run's traffic switch until DNS answers with the new region (records: Route 53 change INSYNC; data-plane modes: the authoritative name servers' answer), per application, new region and traffic mode.",
    labels: ['app', 'region', 'mode'],
    unit: 'Seconds',
    buckets: DNS_BUCKETS,
  }),
  readinessCheck: gauge({
    name: 'failover_readiness_check_status',
    help: "1 for a readiness check's present status (ok, warning, failing), 0 for the others, per application, region and check.",
    labels: ['app', 'region', 'check', 'status'],
    unit: 'None',
    oneHot: true,
  }),
  readinessFailing: gauge({
    name: 'failover_readiness_failing_checks',
    help: 'How many readiness checks and drift findings of an application are failing now (the stack alarms above 0).',
    labels: ['app'],
    unit: 'Count',
  }),
  errorBudget: gauge({
    name: 'failover_error_budget_remaining_ratio',
    help: "The share of the availability target's error budget left in a window (24h, 30d); negative once it is overspent.",
    labels: ['app', 'window'],
    unit: 'None',
  }),
  roundDuration: histogram({
    name: 'failover_round_duration_seconds',
    help: "How long the controller's completed probe rounds take, per vantage point (its count is the rounds completed: the dead man's switch).",
    labels: ['vantage'],
    unit: 'Seconds',
    buckets: ROUND_BUCKETS,
  }),
  roundErrors: counter({
    name: 'failover_round_errors_total',
    help: 'Probe rounds that failed before they completed (a store or policy error): they are not in failover_round_duration_seconds.',
    labels: ['vantage'],
    unit: 'Count',
  }),
  roundLateness: histogram({
    name: 'failover_round_lateness_seconds',
    help: 'How late each round starts after it was due, per vantage point (a busy event loop or a slow previous round).',
    labels: ['vantage'],
    unit: 'Seconds',
    buckets: ROUND_BUCKETS,
  }),
} as const;

/** Every metric of the catalogue, in a stable order. */
export const ALL_METRICS: readonly MetricDefinition[] = Object.values(METRICS);

/** The CloudWatch namespace of the controller's metrics, without a stage (local tests, a function run outside a stack). */
export const CLOUDWATCH_NAMESPACE = 'FailoverController';

/**
 * The namespace of one stage's stacks (`FailoverController/prod`): two
 * stages deployed in one account and region must not mix their metrics, nor
 * one stage's alarms read the other's rounds. serverless.yml gives the
 * functions this name (METRICS_NAMESPACE); the alarms and dashboard read it.
 */
export function stageNamespace(stage: string): string {
  return `${CLOUDWATCH_NAMESPACE}/${stage}`;
}
