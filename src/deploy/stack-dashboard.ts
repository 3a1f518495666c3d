import type { Config } from '../config/types.js';
import { METRICS, type MetricDefinition } from '../metrics/catalog.js';
import { type CfnOutput, type CfnResource, dimensionSets, metricDimensions, READINESS_ALARM_MINUTES } from './stack-alarms.js';

/**
 * The CloudWatch dashboard of each regional stack: the panels an on-call
 * engineer looks at first, on the metrics of src/metrics/catalog.ts as the
 * Lambda functions write them (the stage's namespace, dimensions
 * exactly a metric's labels or one of its roll-ups).
 *
 * The body follows https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html.
 * Where dimension values vary (applications, regions, steps, outcomes) a
 * panel is a SEARCH expression over the metric's exact dimension set
 * (`{Namespace,dim1,dim2}` matches only metrics with exactly those
 * dimensions: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html),
 * so the dashboard stays the same size for one application or a thousand.
 */

/** The logical id of the dashboard. */
export const DASHBOARD_ID = 'Dashboard';

/** What the dashboard is made from. */
export interface StackDashboardOptions {
  config: Config;
  stackRegion: string;
  /** `<service>-<stage>`. */
  namePrefix: string;
  /** The CloudWatch namespace the stage's functions write their metrics in (stageNamespace). */
  namespace: string;
  /** The stack's alarms' logical ids: their states head the dashboard. */
  alarmIds: readonly string[];
}

/** One line (or, for a SEARCH, a set of lines) of a metric panel. */
type Line =
  | { search: MetricDefinition; dims: readonly string[]; stat: string; period: number; filter?: string; label: string }
  | { metric: MetricDefinition; dims: Record<string, string>; stat: string; period: number; label: string };

/** A panel before layout. */
interface Panel {
  type: 'metric' | 'text' | 'alarm';
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const WIDTH = 24;
/** An alarm status widget shows at most 100 alarms. */
const ALARMS_PER_WIDGET = 100;
/** Stands for an alarm's ARN in the body until CloudFormation knows it (Fn::GetAtt). */
const ARN_TOKEN = /@@arn:([A-Za-z0-9]+)@@/g;

/**
 * The dashboard resource and its outputs. Dashboards are global to the
 * account (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-dashboard.html),
 * so its name carries the region: every regional stack has its own.
 */
export function stackDashboard(options: StackDashboardOptions): { Resources: Record<string, CfnResource>; Outputs: Record<string, CfnOutput> } {
  const name = dashboardName(options);
  const dashboard: CfnResource = { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: name, DashboardBody: dashboardBody(options) } };
  return {
    Resources: { [DASHBOARD_ID]: dashboard },
    Outputs: { DashboardUrl: { Description: "This stack's CloudWatch dashboard", Value: consoleUrl(options.stackRegion, name) } },
  };
}

/** `<service>-<stage>-<region>` (letters, digits, - and _ only). */
export function dashboardName(options: Pick<StackDashboardOptions, 'namePrefix' | 'stackRegion'>): string {
  return `${options.namePrefix}-${options.stackRegion}`.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * The DashboardBody: a JSON string, joined (Fn::Join) with the ARNs of the
 * stack's alarms, which CloudFormation knows only once it created them.
 */
export function dashboardBody(options: StackDashboardOptions): { 'Fn::Join': [string, unknown[]] } {
  const json = JSON.stringify({ start: '-PT6H', periodOverride: 'inherit', widgets: layout(panels(options)) });
  const parts: unknown[] = [];
  let at = 0;
  for (const match of json.matchAll(ARN_TOKEN)) {
    parts.push(json.slice(at, match.index), { 'Fn::GetAtt': [match[1]!, 'Arn'] });
    at = match.index + match[0].length;
  }
  parts.push(json.slice(at));
  return { 'Fn::Join': ['', parts] };
}

/** The panels, in reading order: what is red, where traffic is, the probes, the runs, and the controller's own pulse. */
function panels(options: StackDashboardOptions): Panel[] {
  const region = options.stackRegion;
  const panel = (title: string, lines: Line[], extra: Record<string, unknown> = {}): Panel => metricPanel(options.namespace, region, title, lines, extra);
  const m = METRICS;
  const zeroOrOne = { yAxis: { left: { min: 0, max: 1 } } };
  return [
    text(options),
    {
      type: 'alarm',
      width: 12,
      height: 4,
      properties: { title: `Alarms in ${region}`, alarms: options.alarmIds.slice(0, ALARMS_PER_WIDGET).map((id) => `@@arn:${id}@@`) },
    },
    // Where traffic is, what the probes see, what the policy makes of it.
    panel('Active region (1 = takes traffic)', [search(m.regionActive, 'Maximum', 60, '')], zeroOrOne),
    panel('Regions not healthy (1 = in that state)', [search(m.regionState, 'Maximum', 60, '', 'NOT state="healthy"')], zeroOrOne),
    panel('Failing probes, by outcome', [search(m.probes, 'Sum', 60, '', 'NOT outcome="ok"')]),
    panel('Probe latency p50 (s)', [search(m.probeLatency, 'p50', 60, 'p50')]),
    panel('Probe latency p99 (s)', [search(m.probeLatency, 'p99', 60, 'p99')]),
    panel('Decisions that act (failover, failback)', [search(m.decisions, 'Sum', 60, '', 'NOT action="hold"')]),
    // Could a failover succeed now, and what the outages cost.
    panel('Readiness: failing checks and drift', [search(m.readinessFailing, 'Maximum', 60, '')], threshold(1, `alarm (${READINESS_ALARM_MINUTES} min)`)),
    panel('Failing readiness checks (1 = failing)', [search(m.readinessCheck, 'Maximum', 60, '', 'status="failing"')], zeroOrOne),
    panel('Error budget remaining (ratio)', [search(m.errorBudget, 'Minimum', 300, '')], threshold(0, 'spent')),
    // The runs, and the parts of the RTO.
    panel('Runs by outcome', [{ search: m.runs, dims: ['app', 'outcome'], stat: 'Sum', period: 300, label: '' }]),
    panel('Run duration, max (s)', [search(m.runDuration, 'Maximum', 300, '')]),
    panel('Step durations, max (s)', [search(m.stepDuration, 'Maximum', 300, '')]),
    panel('Detection latency, max (s)', [search(m.detectionLatency, 'Maximum', 300, '')]),
    panel('DNS switch time, max (s)', [search(m.dnsSwitch, 'Maximum', 300, '')]),
    panel(`Probe rounds in ${region}: duration and lateness (s)`, [
      own(m.roundDuration, region, 'p99', 'duration p99'),
      own(m.roundDuration, region, 'Maximum', 'duration max'),
      own(m.roundLateness, region, 'p99', 'lateness p99'),
      own(m.roundLateness, region, 'Maximum', 'lateness max'),
    ]),
    // The dead man's switch of every stack, each read in its own region's CloudWatch: one page shows which controller went quiet.
    ...stackRegions(options.config).map((r) =>
      metricPanel(options.namespace, r, `Probe rounds per minute, stack in ${r}`, [own(m.roundDuration, r, 'SampleCount', 'rounds')], threshold(1, "dead man's switch")),
    ),
  ];
}

/** A SEARCH over every series of `metric` with exactly its labels. */
function search(metric: MetricDefinition, stat: string, period: number, label: string, filter?: string): Line {
  return { search: metric, dims: metric.labels, stat, period, label, ...(filter ? { filter } : {}) };
}

/** One series of a per-vantage metric: this stack's own (vantage = region). */
function own(metric: MetricDefinition, region: string, stat: string, label: string): Line {
  return { metric, dims: { vantage: region }, stat, period: 60, label };
}

function threshold(value: number, label: string): Record<string, unknown> {
  return { annotations: { horizontal: [{ value, label }] } };
}

/** The regions with a stack: every region of every application. */
function stackRegions(config: Config): string[] {
  return [...new Set(config.applications.flatMap((a) => a.regions.map((r) => r.name)))].sort();
}

function metricPanel(namespace: string, region: string, title: string, lines: Line[], extra: Record<string, unknown>): Panel {
  const metrics = lines.map((line, i) => {
    if ('search' in line) {
      // The dimension set must be one the metric is written with, or the search finds nothing.
      const known = dimensionSets(line.search).some((set) => set.join() === line.dims.join());
      if (!known) throw new Error(`${line.search.name}: no dimension set {${line.dims.join(',')}}`);
      const schema = [namespace, ...line.dims].join(',');
      const terms = [`MetricName="${line.search.name}"`, ...(line.filter ? [line.filter] : [])].join(' ');
      const expression = `SEARCH('{${schema}} ${terms}', '${line.stat}', ${line.period})`;
      // Without a label, each series is named by its dimension values (app, region, ...).
      return [{ expression, id: `e${i + 1}`, ...(line.label ? { label: line.label } : {}) }];
    }
    const dims = metricDimensions(line.metric, line.dims).flatMap((d) => [d.Name, d.Value]);
    return [namespace, line.metric.name, ...dims, { stat: line.stat, period: line.period, label: line.label }];
  });
  return { type: 'metric', width: 8, height: 6, properties: { title, region, view: 'timeSeries', stacked: false, metrics, ...extra } };
}

function text(options: StackDashboardOptions): Panel {
  const markdown = [
    `# failover-controller in ${options.stackRegion}`,
    `Made by serverless.yml (src/deploy/stack-dashboard.ts): changes made here are lost at the next deploy.`,
    `Alarms page through the topic in the stack output **AlarmTopicArn**. Metrics: namespace \`${options.namespace}\`; see docs/metrics-aws.md.`,
    `A region that is down cannot page: the other stacks' readiness alarms (check \`stack-alive\`) do.`,
  ].join('\n\n');
  return { type: 'text', width: 12, height: 4, properties: { markdown } };
}

/** Left to right, top to bottom, on the dashboard's 24-column grid. */
function layout(list: Panel[]): Record<string, unknown>[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return list.map((p) => {
    if (x + p.width > WIDTH) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const widget = { type: p.type, x, y, width: p.width, height: p.height, properties: p.properties };
    x += p.width;
    rowHeight = Math.max(rowHeight, p.height);
    return widget;
  });
}

/** The console link to the dashboard, in the stack region's partition. */
function consoleUrl(region: string, name: string): string {
  const host = region.startsWith('cn-') ? 'console.amazonaws.cn' : region.startsWith('us-gov-') ? 'console.amazonaws-us-gov.com' : 'console.aws.amazon.com';
  return `https://${host}/cloudwatch/home?region=${region}#dashboards:name=${name}`;
}
