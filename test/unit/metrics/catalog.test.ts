import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../../../src/metrics/catalog.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('the metrics catalogue', () => {
  it('names follow Prometheus conventions, and CloudWatch can take them', () => {
    const names = ALL_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of ALL_METRICS) {
      expect(m.name).toMatch(/^failover_[a-z_]+[a-z]$/);
      if (m.type === 'counter') expect(m.name).toMatch(/_total$/);
      if (m.unit === 'Seconds') expect(m.name).toMatch(/_seconds$/);
      if (m.type === 'histogram') expect(m.buckets).toEqual([...m.buckets].sort((a, b) => a - b));
      // Every label is a CloudWatch dimension: at most 30 per set (EMF), `le` and `quantile` are Prometheus's own.
      expect(m.labels.length).toBeLessThanOrEqual(29);
      for (const label of m.labels) expect(label).toMatch(/^[a-z][a-z_]*$/);
      expect(m.labels).not.toContain('le');
      for (const rollup of m.rollups ?? []) for (const label of rollup) expect(m.labels).toContain(label);
    }
  });

  it('docs/metrics.md lists every metric with its type and labels', async () => {
    const doc = await readFile(join(ROOT, 'docs/metrics.md'), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `(failover_[a-z_]+)` \| (\w+) \| ([a-z_, ]+) \|/gm)].map((m) => [m[1]!, [m[2], m[3]]]));
    expect([...rows.keys()]).toEqual(ALL_METRICS.map((m) => m.name));
    for (const m of ALL_METRICS) expect(rows.get(m.name), m.name).toEqual([m.type, m.labels.join(', ')]);
  });
});
