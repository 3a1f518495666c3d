import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PromMetrics } from '../../../../src/adapters/metrics/prom-metrics.js';
import { ALL_METRICS, METRICS } from '../../../../src/metrics/catalog.js';
import type { GaugeSample } from '../../../../src/ports/metrics-sink.js';

/** The sample lines of one metric in an exposition (no comments). */
const lines = (body: string, name: string) => body.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('PromMetrics', () => {
  it('exposes every metric of the catalogue with its help and type, in the text format', async () => {
    const { body, contentType } = await new PromMetrics().scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const metric of ALL_METRICS) {
      expect(body).toContain(`# HELP ${metric.name} ${metric.help}`);
      expect(body).toContain(`# TYPE ${metric.name} ${metric.type}`);
    }
    // The process's own metrics come with the controller's prefix.
    expect(body).toMatch(/^failover_process_resident_memory_bytes \d+/m);
  });

  it('adds to counters and fills histogram buckets with the labels given', async () => {
    const metrics = new PromMetrics();
    metrics.add(METRICS.decisions, { app: 'shop', action: 'hold' });
    metrics.add(METRICS.decisions, { app: 'shop', action: 'hold' }, 2);
    metrics.observe(METRICS.probeLatency, { app: 'shop', region: 'us-east-1', vantage: 'local' }, 0.02);
    const { body } = await metrics.scrape();
    expect(lines(body, 'failover_decisions_total')).toEqual(['failover_decisions_total{app="shop",action="hold"} 3']);
    expect(body).toContain('failover_probe_latency_seconds_bucket{le="0.01",app="shop",region="us-east-1",vantage="local"} 0');
    expect(body).toContain('failover_probe_latency_seconds_bucket{le="0.025",app="shop",region="us-east-1",vantage="local"} 1');
    expect(body).toContain('failover_probe_latency_seconds_count{app="shop",region="us-east-1",vantage="local"} 1');
  });

  it('sets gauges from the collectors at each scrape: a label set no longer reported disappears', async () => {
    const metrics = new PromMetrics();
    let checks: GaugeSample[] = [
      { metric: METRICS.readinessFailing, labels: { app: 'shop' }, value: 2 },
      { metric: METRICS.readinessFailing, labels: { app: 'blog' }, value: 0 },
    ];
    metrics.collectGauges(() => checks);
    expect(lines((await metrics.scrape()).body, 'failover_readiness_failing_checks')).toEqual([
      'failover_readiness_failing_checks{app="shop"} 2',
      'failover_readiness_failing_checks{app="blog"} 0',
    ]);
    checks = [{ metric: METRICS.readinessFailing, labels: { app: 'shop' }, value: 0 }];
    expect(lines((await metrics.scrape()).body, 'failover_readiness_failing_checks')).toEqual(['failover_readiness_failing_checks{app="shop"} 0']);
  });

  it("serves the other collectors' gauges when one collector fails, and says so in the log", async () => {
    const logged: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    const metrics = new PromMetrics(log);
    metrics.collectGauges(() => Promise.reject(new Error('store unreachable')));
    metrics.collectGauges(() => [{ metric: METRICS.regionActive, labels: { app: 'shop', region: 'us-east-1' }, value: 1 }]);
    const { body } = await metrics.scrape();
    expect(lines(body, 'failover_region_active')).toEqual(['failover_region_active{app="shop",region="us-east-1"} 1']);
    expect(logged.join('')).toContain('store unreachable');
  });
});
