import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { ALL_METRICS, type CounterDefinition, type GaugeDefinition, type HistogramDefinition, type MetricDefinition } from '../../metrics/catalog.js';
import type { GaugeCollector, MetricsSink } from '../../ports/metrics-sink.js';

type PromMetric = Counter | Gauge | Histogram;

/**
 * The metrics sink of local mode: a prom-client registry holding every
 * metric of the catalogue, served at `GET /metrics` in Prometheus's text
 * format, with the process's own metrics (CPU, memory, event-loop lag)
 * under the `failover_process_` and `failover_nodejs_` prefix.
 */
export class PromMetrics implements MetricsSink {
  /** The registry `GET /metrics` serves. */
  readonly registry = new Registry();
  private readonly metrics = new Map<string, PromMetric>();
  private readonly collectors: GaugeCollector[] = [];

  constructor(private readonly log?: Logger) {
    for (const definition of ALL_METRICS) this.metrics.set(definition.name, promMetric(definition, this.registry));
    collectDefaultMetrics({ register: this.registry, prefix: 'failover_' });
  }

  add<D extends CounterDefinition>(metric: D, labels: Record<string, string>, by = 1): void {
    this.safely(metric.name, () => (this.metrics.get(metric.name) as Counter).inc(labels, by));
  }

  observe<D extends HistogramDefinition>(metric: D, labels: Record<string, string>, value: number): void {
    this.safely(metric.name, () => (this.metrics.get(metric.name) as Histogram).observe(labels, value));
  }

  /** prom-client throws on a value it cannot take (NaN, a negative increase): a metric never costs a round or a run. */
  private safely(name: string, record: () => void): void {
    try {
      record();
    } catch (err) {
      this.log?.warn({ metric: name, err: String(err) }, 'metrics: a value was not recorded');
    }
  }

  collectGauges(collector: GaugeCollector): void {
    this.collectors.push(collector);
  }

  /**
   * The exposition of a scrape: the collectors' gauges, set all at once
   * after every collector has answered (a concurrent scrape never sees a
   * half-set gauge), then the registry in the text format.
   */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const results = await Promise.allSettled(this.collectors.map(async (collect) => collect()));
    const gauges = ALL_METRICS.filter((d): d is GaugeDefinition => d.type === 'gauge');
    for (const gauge of gauges) (this.metrics.get(gauge.name) as Gauge).reset();
    for (const result of results) {
      if (result.status === 'rejected') {
        this.log?.warn({ err: String(result.reason) }, 'metrics: a gauge collector failed; its gauges are left out of this scrape');
        continue;
      }
      for (const sample of result.value) (this.metrics.get(sample.metric.name) as Gauge).set(sample.labels, sample.value);
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function promMetric(definition: MetricDefinition, registry: Registry): PromMetric {
  const common = { name: definition.name, help: definition.help, labelNames: [...definition.labels], registers: [registry] };
  switch (definition.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...definition.buckets] });
  }
}
