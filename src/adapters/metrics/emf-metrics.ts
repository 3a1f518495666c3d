import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger } from 'pino';
import { CLOUDWATCH_NAMESPACE, type CloudWatchUnit, type CounterDefinition, type HistogramDefinition, type MetricDefinition } from '../../metrics/catalog.js';
import type { GaugeCollector, MetricsSink } from '../../ports/metrics-sink.js';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../system-clock.js';

/** Longest wait for the gauges at a flush, by default: they are read from the store, which may be slow in an outage. */
const GAUGE_DEADLINE_MS = 5_000;

/**
 * Powertools publishes by itself once a metric holds 100 values, and then
 * drops the dimensions it was given; the EMF specification also caps a
 * metric at 100 values per document. A document here holds at most 99 of
 * each, so that every document is published by this sink, with its dimensions.
 */
const VALUES_PER_DOCUMENT = 99;

const UNITS: Record<CloudWatchUnit, (typeof MetricUnit)[keyof typeof MetricUnit]> = { Seconds: MetricUnit.Seconds, Count: MetricUnit.Count, None: MetricUnit.NoUnit };

/** The metrics of one label set: one EMF document (or several, past 99 values of a metric). */
interface Group {
  labels: Record<string, string>;
  /** Every label, then the catalogue's roll-ups: the document's dimension sets. */
  dimensionSets: Record<string, string>[];
  values: Map<string, { unit: CloudWatchUnit; values: number[] }>;
}

/**
 * The metrics sink of the Lambda functions: CloudWatch Embedded Metric
 * Format, written to standard output through Powertools for AWS Lambda
 * (Metrics), which CloudWatch Logs turns into metrics
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * Recording only buffers; `flush()`, at the end of an invocation, collects
 * the gauges and prints one document per label set. The labels are the
 * dimensions (Powertools' own `service` dimension is cleared, so the
 * dimensions are the labels Prometheus has), plus each metric's roll-ups.
 * A counter is printed as its increase since the last flush (statistic
 * Sum); a histogram as every value observed (percentiles, SampleCount).
 */
export class EmfMetrics implements MetricsSink {
  private readonly groups = new Map<string, Group>();
  private readonly collectors: GaugeCollector[] = [];
  private readonly powertools: Metrics;

  constructor(private readonly options: { namespace?: string; log?: Logger; clock?: Clock } = {}) {
    this.powertools = new Metrics({ namespace: options.namespace ?? CLOUDWATCH_NAMESPACE, serviceName: 'failover-controller', logger: powertoolsLog(options.log) });
    this.powertools.clearDefaultDimensions();
  }

  add<D extends CounterDefinition>(metric: D, labels: Record<string, string>, by = 1): void {
    // Adding 0 declares a series for Prometheus; CloudWatch would bill a metric for it.
    if (by === 0) return;
    const slot = this.slot(metric, labels);
    if (slot.values.length === 0) slot.values.push(0);
    slot.values[0]! += by;
  }

  observe<D extends HistogramDefinition>(metric: D, labels: Record<string, string>, value: number): void {
    this.slot(metric, labels).values.push(value);
  }

  collectGauges(collector: GaugeCollector): void {
    this.collectors.push(collector);
  }

  /**
   * Print every buffered metric as EMF and start over; then, when `gauges`
   * (the default), collect the gauges within `deadlineMs` (default 5 s) and
   * print them. The counters and histograms go first: a slow store at the
   * end of an invocation must not cost the rounds the dead man's switch
   * counts. Never throws.
   */
  async flush(options: { gauges?: boolean; deadlineMs?: number } = {}): Promise<void> {
    this.publishAll();
    if (options.gauges === false || this.collectors.length === 0) return;
    const stop = new AbortController();
    const clock = this.options.clock ?? systemClock;
    const deadline = clock.sleep(Math.max(0, options.deadlineMs ?? GAUGE_DEADLINE_MS), stop.signal).then(
      () => 'late' as const,
      () => 'late' as const,
    );
    for (const collect of this.collectors) {
      try {
        const samples = await Promise.race([Promise.resolve(collect()), deadline]);
        if (samples === 'late') {
          this.options.log?.warn('metrics: the gauges were not read in time; left out of this invocation');
          break;
        }
        for (const sample of samples) {
          // A one-hot gauge's zeros would each be a billed CloudWatch metric saying nothing (see GaugeDefinition.oneHot).
          if (sample.metric.oneHot && sample.value === 0) continue;
          this.slot(sample.metric, sample.labels).values.push(sample.value);
        }
      } catch (err) {
        this.options.log?.warn({ err: String(err) }, 'metrics: a gauge collector failed; its gauges are left out of this invocation');
      }
    }
    stop.abort();
    this.publishAll();
  }

  private publishAll(): void {
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const group of groups) {
      try {
        this.publish(group);
      } catch (err) {
        this.options.log?.warn({ err: String(err), labels: group.labels }, 'metrics: a document was not printed');
      }
    }
  }

  private publish(group: Group): void {
    const pending = [...group.values.entries()].map(([name, { unit, values }]) => ({ name, unit, values: [...values] }));
    while (pending.some((m) => m.values.length > 0)) {
      for (const set of group.dimensionSets) this.powertools.addDimensions(set);
      for (const metric of pending) {
        for (const value of metric.values.splice(0, VALUES_PER_DOCUMENT)) this.powertools.addMetric(metric.name, UNITS[metric.unit], value);
      }
      this.powertools.publishStoredMetrics();
    }
  }

  private slot(metric: MetricDefinition, labels: Record<string, string>): { unit: CloudWatchUnit; values: number[] } {
    const key = `${metric.labels.join(',')}|${(metric.rollups ?? []).map((r) => r.join(',')).join(';')}|${metric.labels.map((l) => labels[l]).join('\u0000')}`;
    let group = this.groups.get(key);
    if (!group) {
      const own = Object.fromEntries(metric.labels.map((l) => [l, labels[l] ?? '']));
      const rollups = (metric.rollups ?? []).map((r) => Object.fromEntries(r.map((l) => [l, own[l]!])));
      group = { labels: own, dimensionSets: [own, ...rollups], values: new Map() };
      this.groups.set(key, group);
    }
    let slot = group.values.get(metric.name);
    if (!slot) {
      slot = { unit: metric.unit, values: [] };
      group.values.set(metric.name, slot);
    }
    return slot;
  }
}

/**
 * Powertools' warnings, into the function's log. A roll-up repeats some of
 * the labels in a second dimension set, with the same values, which
 * Powertools warns of as a key collision: expected here, so left out.
 */
function powertoolsLog(log: Logger | undefined): { debug: Say; info: Say; warn: Say; error: Say } {
  const say = (level: 'debug' | 'info' | 'warn' | 'error'): Say => (message: unknown) => {
    if (level === 'warn' && /defined as both a dimension set and dimension set/.test(String(message))) return;
    log?.[level]({ source: 'powertools-metrics' }, String(message));
  };
  return { debug: say('debug'), info: say('info'), warn: say('warn'), error: say('error') };
}

type Say = (message: unknown) => void;
