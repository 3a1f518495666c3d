import { describe, expect, it } from 'vitest';
import { ControllerMetrics, gaugesOf, trafficSteps } from '../../../src/metrics/controller-metrics.js';
import { METRICS, type MetricDefinition } from '../../../src/metrics/catalog.js';
import type { GaugeCollector, MetricsSink } from '../../../src/ports/metrics-sink.js';
import type { Decision } from '../../../src/policy/decision.js';
import type { RunRecord } from '../../../src/runbook/run.js';
import { sequence, parallel, step } from '../../../src/runbook/step.js';
import type { RegionHealth } from '../../../src/health/region-health.js';
import { runFixture } from '../../support/run-fixture.js';

/** A sink that keeps what was recorded, as [name, labels, value]. */
class Recorded implements MetricsSink {
  readonly samples: [string, Record<string, string>, number][] = [];
  readonly collectors: GaugeCollector[] = [];
  add(metric: MetricDefinition, labels: Record<string, string>, by = 1): void {
    this.samples.push([metric.name, labels, by]);
  }
  observe(metric: MetricDefinition, labels: Record<string, string>, value: number): void {
    this.samples.push([metric.name, labels, value]);
  }
  collectGauges(collector: GaugeCollector): void {
    this.collectors.push(collector);
  }
  of(metric: MetricDefinition): Record<string, string | number>[] {
    return this.samples.filter(([name]) => name === metric.name).map(([, labels, value]) => ({ ...labels, value }));
  }
}

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

function failoverDecision(at: number): Decision {
  return { app: 'shop', at, action: 'failover', from: 'us-east-1', to: 'eu-west-1', outageStartedAt: T0, reason: 'down' } as Decision;
}

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return runFixture({
    reason: 'down',
    status: 'succeeded',
    createdAt: T0,
    finishedAt: T0 + 40_000,
    steps: [
      { id: 'promote', title: 'p', status: 'succeeded', startedAt: T0, finishedAt: T0 + 30_000 },
      { id: 'switch', title: 's', status: 'succeeded', startedAt: T0 + 30_000, finishedAt: T0 + 32_500 },
      { id: 'scale', title: 'c', status: 'skipped', startedAt: T0, finishedAt: T0 + 100 },
      { id: 'verify', title: 'v', status: 'pending' },
    ],
    ...overrides,
  });
}

const noop = async () => ({ resource: 'x', current: 'x', desired: 'x', done: true });
const book = sequence(
  parallel(step({ id: 'promote', title: 'p', role: { kind: 'promotion', mode: 'unplanned', side: 'to' }, observe: noop }), step({ id: 'scale', title: 'c', observe: noop })),
  step({ id: 'switch', title: 's', role: { kind: 'traffic', side: 'to' }, observe: noop }),
);

describe('ControllerMetrics', () => {
  it("labels each probe with app, region and the controller's vantage point, and its outcome with why it failed", () => {
    const sink = new Recorded();
    new ControllerMetrics(sink, 'eu-west-1').probes([
      { app: 'shop', region: 'us-east-1', result: { url: 'u', ok: false, latencyMs: 500, error: 'timeout', at: T0 } },
      { app: 'shop', region: 'eu-west-1', result: { url: 'u', ok: true, latencyMs: 12, at: T0 } },
    ]);
    expect(sink.of(METRICS.probes)).toEqual([
      { app: 'shop', region: 'us-east-1', vantage: 'eu-west-1', outcome: 'timeout', value: 1 },
      { app: 'shop', region: 'eu-west-1', vantage: 'eu-west-1', outcome: 'ok', value: 1 },
    ]);
    expect(sink.of(METRICS.probeLatency).map((s) => s.value)).toEqual([0.5, 0.012]);
  });

  it('counts every decision by action, and measures detection from the outage to the decision', () => {
    const sink = new Recorded();
    const metrics = new ControllerMetrics(sink, 'local');
    metrics.decision(failoverDecision(T0 + 15_000));
    metrics.decision({ app: 'shop', at: T0, action: 'hold', reason: 'fine' } as Decision);
    metrics.detected(failoverDecision(T0 + 15_000) as Extract<Decision, { action: 'failover' }>);
    expect(sink.of(METRICS.decisions).map((s) => s.action)).toEqual(['failover', 'hold']);
    expect(sink.of(METRICS.detectionLatency)).toEqual([{ app: 'shop', region: 'us-east-1', value: 15 }]);
  });

  it('counts a failed round as an error, not as a round', () => {
    const sink = new Recorded();
    new ControllerMetrics(sink, 'us-east-1').roundFailed();
    expect(sink.of(METRICS.roundErrors)).toEqual([{ vantage: 'us-east-1', value: 1 }]);
    expect(sink.of(METRICS.roundDuration)).toEqual([]);
  });

  it("records an ended run, each step that ran, and the traffic step's time as the DNS switch", () => {
    const sink = new Recorded();
    new ControllerMetrics(sink, 'local').runEnded(run(), book, 'records');
    expect(sink.of(METRICS.runs)).toEqual([{ app: 'shop', kind: 'failover', trigger: 'automatic', outcome: 'succeeded', value: 1 }]);
    expect(sink.of(METRICS.runDuration)).toEqual([{ app: 'shop', kind: 'failover', outcome: 'succeeded', value: 40 }]);
    expect(sink.of(METRICS.stepDuration).map((s) => [s.step, s.outcome, s.value])).toEqual([
      ['promote', 'succeeded', 30],
      ['switch', 'succeeded', 2.5],
      ['scale', 'skipped', 0.1],
    ]);
    expect(sink.of(METRICS.dnsSwitch)).toEqual([{ app: 'shop', region: 'eu-west-1', mode: 'records', value: 2.5 }]);
  });

  it('records no DNS switch for a failed traffic step, and nothing for a run still running', () => {
    const sink = new Recorded();
    const metrics = new ControllerMetrics(sink, 'local');
    const failed = run({ status: 'failed' });
    failed.steps[1] = { ...failed.steps[1]!, status: 'failed' };
    metrics.runEnded(failed, book, 'records');
    metrics.runEnded(run({ status: 'running' }), book, 'records');
    expect(sink.of(METRICS.runs).map((s) => s.outcome)).toEqual(['failed']);
    expect(sink.of(METRICS.dnsSwitch)).toEqual([]);
  });

  it("records a round's lateness and duration, never negative", () => {
    const sink = new Recorded();
    const metrics = new ControllerMetrics(sink, 'local');
    metrics.round({ dueAt: T0, startedAt: T0 + 250, endedAt: T0 + 1_250 });
    metrics.round({ dueAt: T0 + 10, startedAt: T0, endedAt: T0 });
    expect(sink.of(METRICS.roundLateness).map((s) => s.value)).toEqual([0.25, 0]);
    expect(sink.of(METRICS.roundDuration).map((s) => s.value)).toEqual([1, 0]);
  });
});

describe('gaugesOf', () => {
  const health = (state: RegionHealth['state']) => ({ state }) as RegionHealth;

  it('gives one-hot region states, the active region, readiness check statuses, failing checks with drift, and the budget left', () => {
    const samples = gaugesOf({
      app: 'shop',
      activeRegion: 'eu-west-1',
      health: { 'us-east-1': health('unhealthy'), 'eu-west-1': health('healthy') },
      readiness: {
        checks: [
          { id: 'database-lag', region: 'us-east-1', status: 'failing', sentence: 'lag' },
          { id: 'stack-alive', region: 'us-east-1', status: 'warning', sentence: 'quiet' },
        ],
        drift: [{ id: 'two-writers', region: 'us-east-1', status: 'failing', sentence: 'two', commands: [] }],
      },
      availability: { targetPercent: 99.9, windows: [{ window: '24h', budgetLeftPercent: 37.5 }, { window: '30d', budgetLeftPercent: -10 }] } as never,
    });
    const of = (name: string): Record<string, string | number>[] => samples.filter((s) => s.metric.name === name).map((s) => ({ ...s.labels, value: s.value }));
    expect(of(METRICS.regionState.name).filter((s) => s.value === 1)).toEqual([
      { app: 'shop', region: 'us-east-1', state: 'unhealthy', value: 1 },
      { app: 'shop', region: 'eu-west-1', state: 'healthy', value: 1 },
    ]);
    expect(of(METRICS.regionState.name)).toHaveLength(10);
    expect(of(METRICS.regionActive.name)).toEqual([
      { app: 'shop', region: 'us-east-1', value: 0 },
      { app: 'shop', region: 'eu-west-1', value: 1 },
    ]);
    expect(of(METRICS.readinessCheck.name).filter((s) => s.value === 1).map((s) => [s.check, s.status])).toEqual([
      ['database-lag', 'failing'],
      ['stack-alive', 'warning'],
    ]);
    expect(of(METRICS.readinessFailing.name)).toEqual([{ app: 'shop', value: 2 }]);
    expect(of(METRICS.errorBudget.name)).toEqual([
      { app: 'shop', window: '24h', value: 0.375 },
      { app: 'shop', window: '30d', value: -0.1 },
    ]);
  });

  it('leaves readiness out until it has been evaluated', () => {
    const samples = gaugesOf({ app: 'shop', activeRegion: 'us-east-1', health: { 'us-east-1': health('unknown') } });
    expect(samples.some((s) => s.metric.name.startsWith('failover_readiness'))).toBe(false);
  });
});

describe('trafficSteps', () => {
  it('finds the steps whose role is traffic anywhere in the tree', () => {
    expect([...trafficSteps(book)]).toEqual(['switch']);
  });
});
