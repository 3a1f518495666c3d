import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Config } from '../../../src/config/types.js';
import { ALL_METRICS, METRICS, stageNamespace } from '../../../src/metrics/catalog.js';

const NAMESPACE = stageNamespace('prod');
import { stackAlarms } from '../../../src/deploy/stack-alarms.js';
import { dashboardBody, stackDashboard } from '../../../src/deploy/stack-dashboard.js';

const ROOT = join(import.meta.dirname, '../../..');

type Json = Record<string, any>;

/** A metric a dashboard widget reads: named directly, or through a SEARCH over its exact dimension set. */
interface Read {
  namespace: string;
  name: string;
  dims: string[];
  /** The dimension values of a metric named directly (a SEARCH has none). */
  values: Record<string, string>;
  stat: string;
  region: string;
}

/** The body as CloudWatch gets it, each alarm's Fn::GetAtt replaced with an ARN made of its logical id. */
function renderBody(body: { 'Fn::Join': [string, unknown[]] }, region: string): Json {
  const [separator, parts] = body['Fn::Join'];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const [id, attribute] = (p as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      expect(attribute).toBe('Arn');
      return `arn:aws:cloudwatch:${region}:123456789012:alarm:${id}`;
    })
    .join(separator);
  return JSON.parse(text) as Json;
}

/** Every metric the widgets read. */
function metricsRead(body: Json): Read[] {
  const reads: Read[] = [];
  for (const w of body['widgets'] as Json[]) {
    if (w['type'] !== 'metric') continue;
    for (const line of w['properties']['metrics'] as unknown[][]) {
      const first = line[0];
      if (typeof first === 'object' && first !== null) {
        const expression = (first as Json)['expression'] as string;
        const match = /^SEARCH\('\{([^}]*)\} MetricName="([^"]+)"[^']*', '([^']+)', \d+\)$/.exec(expression);
        expect(match, expression).not.toBeNull();
        const [namespace, ...dims] = match![1]!.split(',');
        reads.push({ namespace: namespace!, name: match![2]!, dims, values: {}, stat: match![3]!, region: w['properties']['region'] });
      } else {
        const options = (typeof line.at(-1) === 'object' ? line.at(-1) : {}) as Json;
        const plain = line.filter((x) => typeof x === 'string') as string[];
        const pairs = plain.slice(2);
        const values = Object.fromEntries(pairs.flatMap((n, i) => (i % 2 === 0 ? [[n, pairs[i + 1]!]] : [])));
        const region = options['region'] ?? w['properties']['region'];
        reads.push({ namespace: plain[0]!, name: plain[1]!, dims: Object.keys(values), values, stat: options['stat'], region });
      }
    }
  }
  return reads;
}

let config: Config;
beforeAll(async () => {
  config = await loadConfig(join(ROOT, 'examples/failover.aws.yaml'));
});

function build(stackRegion = 'eu-west-1') {
  const { alarmIds } = stackAlarms({ config, stackRegion, namePrefix: 'fc-prod', namespace: NAMESPACE });
  return { alarmIds, ...stackDashboard({ config, stackRegion, namePrefix: 'fc-prod', namespace: NAMESPACE, alarmIds }) };
}

describe("a stack's CloudWatch dashboard", () => {
  it('is one dashboard per region (dashboards are global to the account), linked from the outputs', () => {
    const { Resources, Outputs } = build();
    expect(Object.keys(Resources)).toEqual(['Dashboard']);
    expect(Resources['Dashboard']!.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(Resources['Dashboard']!.Properties['DashboardName']).toBe('fc-prod-eu-west-1');
    expect(build('us-east-1').Resources['Dashboard']!.Properties['DashboardName']).toBe('fc-prod-us-east-1');
    expect(Outputs['DashboardUrl']!.Value).toBe('https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=fc-prod-eu-west-1');
  });

  it('has a body that parses, with widgets on the 24-column grid that do not overlap', () => {
    const body = renderBody(build().Resources['Dashboard']!.Properties['DashboardBody'] as never, 'eu-west-1');
    const widgets = body['widgets'] as Json[];
    expect(widgets.length).toBeGreaterThan(10);
    const cells = new Set<string>();
    for (const w of widgets) {
      expect(['metric', 'text', 'alarm']).toContain(w['type']);
      expect(w['x'] + w['width']).toBeLessThanOrEqual(24);
      for (let x = w['x']; x < w['x'] + w['width']; x++) {
        for (let y = w['y']; y < w['y'] + w['height']; y++) {
          expect(cells.has(`${x},${y}`), `${w['properties']['title']} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
      if (w['type'] === 'metric') {
        expect(w['properties']['region'], w['properties']['title']).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
        const ids = (w['properties']['metrics'] as unknown[][]).flatMap((l) => (typeof l[0] === 'object' ? [(l[0] as Json)['id']] : []));
        for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9_]*$/);
      }
    }
  });

  it('reads only metrics of the catalogue, in its namespace, with exactly their labels or a roll-up as dimensions', () => {
    const reads = metricsRead(renderBody(build().Resources['Dashboard']!.Properties['DashboardBody'] as never, 'eu-west-1'));
    expect(reads.length).toBeGreaterThan(10);
    for (const read of reads) {
      expect(read.namespace).toBe(NAMESPACE);
      const metric = ALL_METRICS.find((m) => m.name === read.name);
      expect(metric, `${read.name} is not in the catalogue`).toBeDefined();
      const sets = [metric!.labels, ...(metric!.rollups ?? [])].map((s) => [...s].sort().join());
      expect(sets, `${read.name} {${read.dims.join(',')}}`).toContain([...read.dims].sort().join());
      expect(read.stat).toMatch(/^(SampleCount|Sum|Maximum|Minimum|Average|p\d+(\.\d+)?)$/);
    }
  });

  it('has the panels an on-call engineer looks at first', () => {
    const reads = metricsRead(renderBody(build().Resources['Dashboard']!.Properties['DashboardBody'] as never, 'eu-west-1'));
    const read = (name: string, stat?: string) => reads.some((r) => r.name === name && (stat === undefined || r.stat === stat));
    const m = METRICS;
    const first = [m.regionActive, m.regionState, m.probes, m.decisions, m.runs, m.detectionLatency, m.dnsSwitch, m.stepDuration];
    for (const metric of [...first, m.readinessFailing, m.readinessCheck, m.errorBudget, m.roundLateness]) {
      expect(read(metric.name), metric.name).toBe(true);
    }
    expect(read(m.probeLatency.name, 'p50') && read(m.probeLatency.name, 'p99')).toBe(true);
    // Runs by outcome through the roll-up the run alarm reads.
    expect(reads.find((r) => r.name === m.runs.name)?.dims).toEqual(['app', 'outcome']);
  });

  it("shows every stack's dead man's switch, each in its own region's CloudWatch", () => {
    const reads = metricsRead(renderBody(build().Resources['Dashboard']!.Properties['DashboardBody'] as never, 'eu-west-1'));
    const rounds = reads.filter((r) => r.name === METRICS.roundDuration.name && r.stat === 'SampleCount');
    // Each stack's vantage point is its region, and its metrics are in its region's CloudWatch.
    expect(rounds.map((r) => [r.region, r.values['vantage']]).sort()).toEqual([
      ['eu-west-1', 'eu-west-1'],
      ['us-east-1', 'us-east-1'],
    ]);
  });

  it("shows the states of the stack's alarms, by their ARNs", () => {
    const { alarmIds, Resources } = build();
    const parts = (Resources['Dashboard']!.Properties['DashboardBody'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const referenced = parts.filter((p) => typeof p !== 'string').map((p) => (p as Json)['Fn::GetAtt'][0]);
    expect(referenced).toEqual(alarmIds);
    const body = renderBody(Resources['Dashboard']!.Properties['DashboardBody'] as never, 'eu-west-1');
    const widget = (body['widgets'] as Json[]).find((w) => w['type'] === 'alarm')!;
    expect(widget['properties']['alarms']).toContain('arn:aws:cloudwatch:eu-west-1:123456789012:alarm:ProbeRoundsAlarm');
  });

  it('holds no ${…}: serverless variables and Fn::Sub would both try to read it', () => {
    const text = JSON.stringify(dashboardBody({ config, stackRegion: 'eu-west-1', namePrefix: 'p', namespace: NAMESPACE, alarmIds: ['A'] }));
    expect(text).not.toContain('${');
  });
});
