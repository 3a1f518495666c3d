import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics.js';
import { ALL_METRICS } from '../../../src/metrics/catalog.js';
import { grafanaQueries } from '../../support/grafana-queries.js';
import { checkPromql, type KnownMetrics } from '../../support/promql-labels.js';

const DASHBOARD_PATH = join(import.meta.dirname, '..', '..', '..', 'deploy', 'grafana', 'failover-controller.json');
const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;

interface Panel {
  id: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr: string; datasource?: { uid?: string } }[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown; definition?: string; datasource?: { uid?: string } }[] };
}

/**
 * The series a query may name: every catalogue metric with its labels (a
 * histogram as `_bucket` with `le`, `_sum`, `_count`), and the process
 * metrics the exporter really registers (failover_process_*, failover_nodejs_*),
 * read from a PromMetrics registry so that a change of their prefix shows here.
 */
function knownMetrics(): KnownMetrics {
  const known = new Map<string, readonly string[]>();
  const add = (name: string, type: string, labels: readonly string[]) => {
    if (type !== 'histogram') return void known.set(name, labels);
    known.set(`${name}_bucket`, [...labels, 'le']);
    known.set(`${name}_sum`, labels);
    known.set(`${name}_count`, labels);
  };
  for (const metric of ALL_METRICS) add(metric.name, metric.type, metric.labels);
  const catalogue = new Set(ALL_METRICS.map((m) => m.name));
  for (const metric of new PromMetrics().registry.getMetricsAsArray()) {
    const { name, labelNames } = metric as unknown as { name: string; labelNames: string[] };
    if (!catalogue.has(name)) add(name, (metric as unknown as { type: string }).type, labelNames);
  }
  return known;
}

const known = knownMetrics();
const queries = grafanaQueries(dashboard);

/** The panels an on-call engineer looks at, each found by the metric it cannot do without. */
const REQUIRED: { what: string; metric: string }[] = [
  { what: 'region state', metric: 'failover_region_state' },
  { what: 'active region', metric: 'failover_region_active' },
  { what: 'failover count by outcome', metric: 'failover_runs_total' },
  { what: 'decisions by action', metric: 'failover_decisions_total' },
  { what: 'detection latency (quantiles)', metric: 'failover_detection_latency_seconds_bucket' },
  { what: 'detection latency (sum / count)', metric: 'failover_detection_latency_seconds_sum' },
  { what: 'DNS switch time', metric: 'failover_dns_switch_seconds_bucket' },
  { what: 'step durations', metric: 'failover_step_duration_seconds_bucket' },
  { what: 'probe latency by region', metric: 'failover_probe_latency_seconds_bucket' },
  { what: 'failing probes by outcome', metric: 'failover_probes_total' },
  { what: 'readiness failing checks', metric: 'failover_readiness_failing_checks' },
  { what: 'readiness check status', metric: 'failover_readiness_check_status' },
  { what: 'error budget remaining', metric: 'failover_error_budget_remaining_ratio' },
  { what: 'round duration', metric: 'failover_round_duration_seconds_bucket' },
  { what: 'round lateness', metric: 'failover_round_lateness_seconds_bucket' },
  { what: "rounds in the last 5 minutes (dead man's switch)", metric: 'failover_round_duration_seconds_count' },
  { what: 'process memory', metric: 'failover_process_resident_memory_bytes' },
  { what: 'event loop lag', metric: 'failover_nodejs_eventloop_lag_p99_seconds' },
];

describe('Grafana dashboard (deploy/grafana/failover-controller.json)', () => {
  it('is a Grafana dashboard model with a Prometheus datasource variable and an app variable from failover_region_active', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const app = variables.get('app');
    expect(app).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' } });
    const query = typeof app?.query === 'string' ? app.query : (app?.query as { query?: string } | undefined)?.query;
    expect(query).toBe('label_values(failover_region_active, app)');
    expect(known.get('failover_region_active')).toContain('app');
  });

  it('gives every panel a title, the ${datasource} datasource and a unique id, and every target a query', () => {
    expect(dashboard.panels.length).toBeGreaterThan(10);
    for (const panel of dashboard.panels) {
      expect(panel.title, `panel ${panel.id}`).toBeTruthy();
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr.trim(), `${panel.title} ${target.refId}`).not.toBe('');
        expect(target.datasource?.uid ?? '${datasource}', `${panel.title} ${target.refId}`).toBe('${datasource}');
      }
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('queries only metrics of the catalogue (or the process metrics) and only labels they have', () => {
    const problems = queries.flatMap((q) => checkPromql(q.expr, known).map((p) => `${q.panel} ${q.refId}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('filters on the app variable wherever the metric has an app label', () => {
    for (const q of queries) {
      const appMetric = [...known].some(([name, labels]) => labels.includes('app') && new RegExp(`\\b${name}\\b`).test(q.raw));
      if (appMetric) expect(q.raw, `${q.panel} ${q.refId}`).toContain('app=~"$app"');
    }
  });

  it.each(REQUIRED)('has a panel for $what ($metric)', ({ metric }) => {
    expect(queries.some((q) => new RegExp(`\\b${metric}\\b`).test(q.expr)), metric).toBe(true);
  });

  it('reads the dead man\'s switch as rounds in the last 5 minutes, 0 when the series are gone', () => {
    expect(queries.map((q) => q.expr)).toContain('sum(increase(failover_round_duration_seconds_count[5m])) or vector(0)');
  });

  it('substitutes the template variables, so that Prometheus can run the queries', () => {
    for (const q of queries) expect(q.expr, `${q.panel} ${q.refId}`).not.toMatch(/\$|\[\[/);
    expect(queries.find((q) => q.raw.includes('$__rate_interval'))?.expr).toContain('[1m]');
    expect(queries.find((q) => q.raw.includes('$app'))?.expr).toContain('app=~".*"');
  });

  it('would fail on a renamed metric or a label the metric does not have', () => {
    const renamed = JSON.parse(JSON.stringify(dashboard).replaceAll('failover_probes_total', 'failover_probe_total')) as Dashboard;
    const problems = grafanaQueries(renamed).flatMap((q) => checkPromql(q.expr, known));
    expect(problems).toContain('unknown metric "failover_probe_total"');
    expect(checkPromql('sum by (state) (failover_region_active)', known)).toEqual([expect.stringContaining('label "state" is not on the series')]);
    expect(checkPromql('failover_decisions_total{outcome="ok"}', known)).toEqual([expect.stringContaining('label "outcome"')]);
    const withoutLe = 'histogram_quantile(0.9, sum by (region) (rate(failover_probe_latency_seconds_bucket[1m])))';
    expect(checkPromql(withoutLe, known)).toEqual([expect.stringContaining('no "le"')]);
    const mismatched = 'sum by (app) (failover_region_active) / sum by (region) (failover_region_active)';
    expect(checkPromql(mismatched, known)).toEqual([expect.stringContaining('different labels')]);
    expect(checkPromql('sum by (app) (sum by (region) (failover_region_active))', known)).toEqual([expect.stringContaining('label "app"')]);
  });
});
