import type { Config } from '../config/types.js';
import { createHash } from 'node:crypto';
import { METRICS, type MetricDefinition } from '../metrics/catalog.js';
import { READINESS_EVERY_MS } from '../controller/world-watch.js';

/**
 * The CloudWatch alarms each regional stack raises on the controller itself,
 * and the SNS topic they page through, as CloudFormation resources
 * (serverless.yml `resources`, through deploy/serverless-vars.cjs).
 *
 * The alarms read the metrics of src/metrics/catalog.ts exactly as the Lambda
 * functions write them (EMF, src/adapters/metrics/emf-metrics.ts): the stage's
 * namespace (stageNamespace), dimensions exactly a metric's labels or one of its
 * roll-ups, since an alarm names its metric's whole dimension set
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html).
 *
 * Metrics, alarms and topic are regional: each stack's alarms read the
 * metrics its own functions wrote in its own region, and page through a
 * topic in that region. An alarm cannot page when its region is down; the
 * surviving stacks notice the silent one instead (see deadMansSwitch).
 */

/** A CloudFormation value: a literal, or an intrinsic function. */
export type CfnValue = string | { Ref: string } | { 'Fn::GetAtt': [string, string] };

/** A CloudFormation resource as the template holds it. */
export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** A CloudFormation output. */
export interface CfnOutput {
  Description: string;
  Value: CfnValue;
}

/** What the stack gets: resources and outputs to merge into the template, and the alarms' logical ids. */
export interface StackAlarms {
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, CfnOutput>;
  /** The alarms' logical ids, the dead man's switch first (the dashboard shows their states). */
  alarmIds: string[];
}

/** How a stack's alarms are made. */
export interface StackAlarmOptions {
  config: Config;
  /** The stack's region: its probe function's vantage point, and where its alarms and topic live. */
  stackRegion: string;
  /** `<service>-<stage>`: the alarms' and topic's names start with it (two stages must not share names). */
  namePrefix: string;
  /** The CloudWatch namespace the stage's functions write their metrics in (stageNamespace). */
  namespace: string;
  /** Minutes without a completed probe round before the dead man's switch pages. Default 3. */
  deadMansSwitchMinutes?: number;
}

/** The logical id of the stack's own alarm topic, when it creates one. */
export const ALARM_TOPIC_ID = 'AlarmTopic';
/** The logical id of the dead man's switch. */
export const DEAD_MANS_SWITCH_ID = 'ProbeRoundsAlarm';
/** Default of StackAlarmOptions.deadMansSwitchMinutes: three one-minute periods, so one late invocation does not page. */
export const DEFAULT_DEAD_MANS_SWITCH_MINUTES = 3;
/**
 * How long readiness must fail before it pages: two evaluations and then
 * some. Readiness is evaluated every READINESS_EVERY_MS, and a failing
 * evaluation stays in the stored report (and in every minute's gauge) until
 * the next one: a single failing evaluation (a lag spike above the RPO, a
 * blip of the standby endpoint) must not page, one repeated must.
 */
export const READINESS_ALARM_MINUTES = (2 * READINESS_EVERY_MS) / 60_000 + 1;

/** Longest CloudWatch alarm name (PutMetricAlarm) and CloudFormation logical id. */
const MAX_NAME = 255;

const MINUTE = 60;

/** Every dimension set a metric is written with in CloudWatch: its labels, then each roll-up. */
export function dimensionSets(metric: MetricDefinition): (readonly string[])[] {
  return [metric.labels, ...(metric.rollups ?? [])];
}

/**
 * An alarm's Dimensions for `values`, whose names must be exactly one of the
 * metric's dimension sets: any other set names a metric nobody writes, and
 * the alarm would wait for it forever.
 */
export function metricDimensions(metric: MetricDefinition, values: Record<string, string>): { Name: string; Value: string }[] {
  const names = Object.keys(values).sort();
  const known = dimensionSets(metric).some((set) => set.length === names.length && [...set].sort().every((n, i) => n === names[i]));
  if (!known) {
    const sets = dimensionSets(metric).map((s) => `{${s.join(', ')}}`);
    throw new Error(`${metric.name}: {${names.join(', ')}} is not one of its dimension sets (${sets.join(', ')})`);
  }
  return metric.labels.filter((l) => l in values).map((Name) => ({ Name, Value: values[Name]! }));
}

/**
 * The alarms of one regional stack: the dead man's switch of its probe
 * function, and per application a failed run and failing readiness; all
 * page through one topic in the stack's region (alarmTopic).
 */
export function stackAlarms(options: StackAlarmOptions): StackAlarms {
  const topic = alarmTopic(options);
  const Resources: Record<string, CfnResource> = { ...topic.resources, [DEAD_MANS_SWITCH_ID]: deadMansSwitch(options, topic.arn) };
  const ids = logicalIds(options.config.applications.map((a) => a.name));
  for (const app of options.config.applications) {
    Resources[`RunFailedAlarm${ids.get(app.name)}`] = runFailed(options, app.name, topic.arn);
    Resources[`ReadinessAlarm${ids.get(app.name)}`] = readinessFailing(options, app.name, topic.arn);
  }
  const Outputs: Record<string, CfnOutput> = {
    AlarmTopicArn: {
      Description: topic.created
        ? "The topic this stack's alarms page through: subscribe the on-call pager to it (docs/metrics-aws.md)"
        : "The topic this stack's alarms page through: notifications.snsTopicArn of the configuration, in this stack's region",
      Value: topic.arn,
    },
  };
  return { Resources, Outputs, alarmIds: Object.keys(Resources).filter((id) => Resources[id]!.Type === 'AWS::CloudWatch::Alarm') };
}

/**
 * The topic the alarms page through. A CloudWatch alarm's SNS action is an
 * ARN with a region (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
 * AlarmActions), and it must be the alarm's own: PutMetricAlarm refuses a
 * topic elsewhere ("Invalid region ca-central-1 specified. Only us-west-2 is
 * supported", as reported in https://github.com/cds-snc/notification-terraform/pull/128).
 * It is also the right place for the topic: a topic in another region would
 * silence this region's alarms exactly when that other region is down.
 *
 * So notifications.snsTopicArn is used when it lives in the stack's region;
 * otherwise (or without one) the stack creates a topic of its own and names
 * it in its outputs, for the operator to subscribe the pager to (an email or
 * HTTPS endpoint; SNS also delivers to SQS and Lambda in other regions:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-cross-region-delivery.html).
 * The created topic keeps SNS's default access policy, which lets the
 * account's own CloudWatch alarms publish, and no KMS key (an encrypted topic
 * needs a customer managed key whose policy lets CloudWatch use it). A
 * configured topic of another account must allow cloudwatch.amazonaws.com to
 * publish (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html,
 * https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
 */
export function alarmTopic(options: Pick<StackAlarmOptions, 'config' | 'stackRegion' | 'namePrefix'>): {
  arn: CfnValue;
  created: boolean;
  resources: Record<string, CfnResource>;
} {
  const configured = options.config.notifications.snsTopicArn;
  if (configured !== undefined && configured.split(':')[3] === options.stackRegion) return { arn: configured, created: false, resources: {} };
  const topic: CfnResource = {
    Type: 'AWS::SNS::Topic',
    Properties: { TopicName: `${options.namePrefix}-alarms`, DisplayName: `failover-controller alarms (${options.stackRegion})` },
  };
  return { arn: { Ref: ALARM_TOPIC_ID }, created: true, resources: { [ALARM_TOPIC_ID]: topic } };
}

/**
 * The dead man's switch: pages when this region's probe function has
 * completed no probe round for N minutes. Each round records one
 * `failover_round_duration_seconds` value for its vantage point (the stack's
 * region), so SampleCount per minute is the rounds completed; a function
 * that stopped, crashes, times out or cannot start writes nothing, which is
 * why missing data counts as breaching. N one-minute periods must all breach:
 * a probe invocation flushes its metrics once, at its end, so a single late
 * invocation leaves one minute empty and the next one double.
 *
 * The alarm of a region that is itself down cannot page (its CloudWatch and
 * its topic are down with it). The other stacks notice: each stack's
 * readiness check `stack-alive` fails when a peer stack has stored no round
 * recently, and that pages through the readiness alarm of the surviving
 * region (readinessFailing).
 */
function deadMansSwitch(options: StackAlarmOptions, topic: CfnValue): CfnResource {
  const minutes = deadMansSwitchMinutes(options);
  const region = options.stackRegion;
  return alarm(options.namespace, {
    AlarmName: capped(`${options.namePrefix}-${region}-probe-rounds-stopped`),
    AlarmDescription:
      `The probe function in ${region} has completed no probe round for ${minutes} minutes: the controller in this region is not watching ` +
      `the applications and will not fail over. Look at its logs and errors: serverless logs -f probe --region ${region}.`,
    MetricName: METRICS.roundDuration.name,
    Dimensions: metricDimensions(METRICS.roundDuration, { vantage: region }),
    Statistic: 'SampleCount',
    Period: MINUTE,
    EvaluationPeriods: minutes,
    DatapointsToAlarm: minutes,
    Threshold: 1,
    ComparisonOperator: 'LessThanThreshold',
    TreatMissingData: 'breaching',
    AlarmActions: [topic],
    OKActions: [topic],
  });
}

/**
 * N, at least the configured minutes, and never shorter than the rounds
 * themselves: with a probe interval of minutes, a minute without a round is
 * normal (a round probes every application due, so the shortest interval counts).
 */
function deadMansSwitchMinutes(options: StackAlarmOptions): number {
  const wanted = options.deadMansSwitchMinutes ?? DEFAULT_DEAD_MANS_SWITCH_MINUTES;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > 1440) {
    throw new Error(`--param deadMansSwitchMinutes: must be a whole number of minutes from 1 to 1440 (a day), got ${wanted}`);
  }
  const shortest = Math.min(...options.config.applications.map((a) => a.policy.probeIntervalSeconds));
  return Math.min(1440, Math.max(wanted, Math.ceil(shortest / MINUTE) + 2));
}

/**
 * A run of `app` that failed, in this region (the runbook worker executes the
 * runs into its own region, and counts each one that ends). A failed run is
 * an event, not a state: the alarm pages once, and has no OK action, since
 * "OK" a minute later would only mean that no further run failed, and a
 * pager that resolves the incident on OK would close it before anyone looked.
 */
function runFailed(options: StackAlarmOptions, app: string, topic: CfnValue): CfnResource {
  return alarm(options.namespace, {
    AlarmName: capped(`${options.namePrefix}-${options.stackRegion}-${app}-run-failed`),
    AlarmDescription:
      `A run (failover, failback or runbook) of ${app} into ${options.stackRegion} failed: ` +
      'it stopped in a failed state, with what was done and what was not. ' +
      `Look at it: failover runs --app ${app}, then failover runs RUN_ID.`,
    MetricName: METRICS.runs.name,
    Dimensions: metricDimensions(METRICS.runs, { app, outcome: 'failed' }),
    Statistic: 'Sum',
    Period: MINUTE,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    // No run ended: nothing failed.
    TreatMissingData: 'notBreaching',
    AlarmActions: [topic],
  });
}

/**
 * Readiness of `app` failing: readiness checks and drift findings (merged
 * over every stack's reports) that have been failing for
 * READINESS_ALARM_MINUTES. Among them `stack-alive`, a peer stack gone
 * silent: the page for a region whose own dead man's switch cannot page.
 * Missing data keeps the alarm where it is: the probe function writes the
 * gauge every minute, and its silence is the dead man's switch's to report.
 */
function readinessFailing(options: StackAlarmOptions, app: string, topic: CfnValue): CfnResource {
  return alarm(options.namespace, {
    AlarmName: capped(`${options.namePrefix}-${options.stackRegion}-${app}-readiness-failing`),
    AlarmDescription:
      `Readiness checks or drift findings of ${app} have been failing for ${READINESS_ALARM_MINUTES} minutes (seen from ${options.stackRegion}): ` +
      `a failover might not succeed now, the world differs from what the controller believes, or a peer stack is silent (stack-alive). ` +
      `Look at them: failover readiness --app ${app}.`,
    MetricName: METRICS.readinessFailing.name,
    Dimensions: metricDimensions(METRICS.readinessFailing, { app }),
    Statistic: 'Minimum',
    Period: MINUTE,
    EvaluationPeriods: READINESS_ALARM_MINUTES,
    DatapointsToAlarm: READINESS_ALARM_MINUTES,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'ignore',
    AlarmActions: [topic],
    OKActions: [topic],
  });
}

function alarm(namespace: string, properties: Record<string, unknown>): CfnResource {
  return { Type: 'AWS::CloudWatch::Alarm', Properties: { Namespace: namespace, ...properties } };
}

/**
 * A CloudFormation logical id (letters and digits) per application name:
 * the name in PascalCase, with a number added where two names would collide
 * (`shop-eu` and `shopEu`).
 */
export function logicalIds(names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    const base = name
      .split('-')
      .filter(Boolean)
      .map((part) => part[0]!.toUpperCase() + part.slice(1))
      .join('');
    // Room for the longest prefix (ReadinessAlarm) within CloudFormation's 255 characters; a cut name keeps a hash of the whole.
    const fits = base.length <= MAX_NAME - 40 ? base : `${base.slice(0, MAX_NAME - 56)}${hash(name)}`;
    let id = fits;
    for (let n = 2; taken.has(id); n++) id = `${fits}${n}`;
    taken.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** A name within MAX_NAME characters: cut, with a hash of the whole so two long names stay apart. */
function capped(name: string): string {
  return name.length <= MAX_NAME ? name : `${name.slice(0, MAX_NAME - 17)}-${hash(name)}`;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
