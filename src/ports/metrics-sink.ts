import type { CounterDefinition, GaugeDefinition, HistogramDefinition, LabelsOf } from '../metrics/catalog.js';

/** One gauge value, as a collector reports it. */
export interface GaugeSample<D extends GaugeDefinition = GaugeDefinition> {
  metric: D;
  labels: LabelsOf<D>;
  value: number;
}

/**
 * Reports the gauges that describe the present (region states, readiness,
 * error budget) when the metrics are collected. A collector that throws
 * costs its gauges for that collection, never the others'.
 */
export type GaugeCollector = () => Promise<GaugeSample[]> | GaugeSample[];

/**
 * Where the controller's metrics go: Prometheus's registry locally,
 * CloudWatch's Embedded Metric Format on Lambda. Metrics and their labels
 * come from the catalogue (src/metrics/catalog.ts). Recording never throws
 * and never waits: a metric must not cost a round or a run.
 */
export interface MetricsSink {
  /** Add `by` (default 1) to a counter. Adding 0 makes the series exist (Prometheus) and sends nothing (CloudWatch). */
  add<D extends CounterDefinition>(metric: D, labels: LabelsOf<D>, by?: number): void;
  /** Record one value of a histogram. */
  observe<D extends HistogramDefinition>(metric: D, labels: LabelsOf<D>, value: number): void;
  /**
   * Register a collector of gauges. Gauges are only ever set by collectors,
   * all of them at once at each collection, so a label set a collector no
   * longer reports (a check that is gone) disappears.
   */
  collectGauges(collector: GaugeCollector): void;
}

/** A sink that buffers what is recorded until it is flushed: the Lambda functions' EMF, once per invocation. */
export interface FlushingMetricsSink extends MetricsSink {
  /** Print what was recorded, then the collectors' gauges (unless `gauges` is false) read within `deadlineMs`. Never throws. */
  flush(options?: { gauges?: boolean; deadlineMs?: number }): Promise<void>;
}

/** A sink that records nothing (tests, and processes that export no metrics). */
export const NO_METRICS: MetricsSink = {
  add: () => undefined,
  observe: () => undefined,
  collectGauges: () => undefined,
};
