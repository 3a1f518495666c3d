import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { CloudWatchAlarms } from '../../../../src/adapters/aws/cloudwatch-alarms.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';
import type { AlarmSpec } from '../../../../src/ports/traffic-switch.js';
import { useAwsNock } from '../../../support/aws-nock.js';

/**
 * CloudWatchAlarms over CloudWatch's JSON 1.0 wire format (X-Amz-Target
 * GraniteServiceVersion20100801.<Operation>, awsQueryCompatible errors;
 * timestamps as epoch seconds), as the installed SDK speaks it.
 */
const t = useAwsNock();

interface Sent {
  host: string;
  operation: string;
  body: Record<string, unknown>;
}

type Answer = Record<string, unknown> | { status: number; code: string; message: string };

/** Answer the next CloudWatch `operation` in `region` with this JSON (200) or error, capturing the request into `sent`. */
function cloudWatch(sent: Sent[], region: string, operation: string, answer: Answer): void {
  const host = `monitoring.${region}.amazonaws.com`;
  nock(`https://${host}`)
    .post('/')
    .matchHeader('x-amz-target', `GraniteServiceVersion20100801.${operation}`)
    .matchHeader('content-type', 'application/x-amz-json-1.0')
    .reply((_uri, body) => {
      sent.push({ host, operation, body: (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown> });
      const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `req-${sent.length}` };
      if (typeof answer['status'] !== 'number') return [200, JSON.stringify(answer), json];
      const { status, code, message } = answer as { status: number; code: string; message: string };
      const error = JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message });
      return [status, error, { ...json, 'x-amzn-query-error': `${code};Sender` }];
    });
}

const SPEC: AlarmSpec = {
  region: 'eu-west-1',
  name: 'failover-shop-us-east-1-evacuate',
  namespace: 'FailoverController',
  metricName: 'EvacuateRegion',
  dimensions: [
    { name: 'Application', value: 'shop' },
    { name: 'Region', value: 'us-east-1' },
  ],
  statistic: 'Maximum',
  periodSeconds: 60,
  evaluationPeriods: 2,
  threshold: 1,
  comparison: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
  description: 'Stack in eu-west-1 votes to take us-east-1 out of DNS for shop',
};

/** A MetricAlarm as DescribeAlarms returns it, with the fields this adapter does not read as well. */
function metricAlarm(name: string, state: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
    AlarmDescription: SPEC.description,
    AlarmConfigurationUpdatedTimestamp: 1795521600,
    ActionsEnabled: false,
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: state,
    StateReason: 'Threshold Crossed: 2 datapoints were less than the threshold (1.0).',
    StateUpdatedTimestamp: 1795521660,
    MetricName: 'EvacuateRegion',
    Namespace: 'FailoverController',
    Statistic: 'Maximum',
    Dimensions: [
      { Name: 'Application', Value: 'shop' },
      { Name: 'Region', Value: 'us-east-1' },
    ],
    Period: 60,
    EvaluationPeriods: 2,
    Threshold: 1.0,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    StateTransitionedTimestamp: 1795521660,
    ...extra,
  };
}

describe('CloudWatchAlarms.describeAlarms', () => {
  it('asks by AlarmNames for metric alarms, 100 names a call, following NextToken, and maps every alarm', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    const sent: Sent[] = [];
    const first = { MetricAlarms: [metricAlarm('alarm-000', 'OK')], CompositeAlarms: [], NextToken: 'page-2' };
    cloudWatch(sent, 'eu-west-1', 'DescribeAlarms', first);
    cloudWatch(sent, 'eu-west-1', 'DescribeAlarms', { MetricAlarms: [metricAlarm('alarm-099', 'ALARM')], CompositeAlarms: [] });
    cloudWatch(sent, 'eu-west-1', 'DescribeAlarms', { MetricAlarms: [metricAlarm('alarm-149', 'INSUFFICIENT_DATA')] });
    const alarms = await new CloudWatchAlarms(t.clients).describeAlarms('eu-west-1', names);
    t.aws.done();
    expect(sent.map((s) => s.host)).toEqual(Array(3).fill('monitoring.eu-west-1.amazonaws.com'));
    expect(sent.map((s) => s.body)).toEqual([
      { AlarmNames: names.slice(0, 100), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
      { AlarmNames: names.slice(0, 100), AlarmTypes: ['MetricAlarm'], MaxRecords: 100, NextToken: 'page-2' },
      { AlarmNames: names.slice(100), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 },
    ]);
    expect(alarms.map((a) => [a.spec.name, a.state])).toEqual([
      ['alarm-000', 'OK'],
      ['alarm-099', 'ALARM'],
      ['alarm-149', 'INSUFFICIENT_DATA'],
    ]);
    expect(alarms[0]).toEqual({ spec: { ...SPEC, name: 'alarm-000' }, state: 'OK' });
  });

  it('passes on what CloudWatch says, drift included, and reads a missing TreatMissingData as its default, missing', async () => {
    cloudWatch([], 'eu-west-1', 'DescribeAlarms', {
      MetricAlarms: [
        metricAlarm(SPEC.name, 'OK', { Statistic: 'Average', Period: 300, AlarmDescription: undefined, TreatMissingData: undefined }),
      ],
    });
    const [alarm] = await new CloudWatchAlarms(t.clients).describeAlarms('eu-west-1', [SPEC.name]);
    expect(alarm?.spec).toEqual({ ...SPEC, statistic: 'Average', periodSeconds: 300, description: '', treatMissingData: 'missing' });
  });

  it('sends nothing for no names, and each name once', async () => {
    expect(await new CloudWatchAlarms(t.clients).describeAlarms('eu-west-1', [])).toEqual([]);
    const sent: Sent[] = [];
    cloudWatch(sent, 'eu-west-1', 'DescribeAlarms', { MetricAlarms: [] });
    expect(await new CloudWatchAlarms(t.clients).describeAlarms('eu-west-1', ['a', 'b', 'a'])).toEqual([]);
    expect(sent[0]?.body['AlarmNames']).toEqual(['a', 'b']);
  });

  it('a NextToken that repeats itself is a PermanentError, not an endless loop', async () => {
    cloudWatch([], 'eu-west-1', 'DescribeAlarms', { MetricAlarms: [], NextToken: 'same' });
    cloudWatch([], 'eu-west-1', 'DescribeAlarms', { MetricAlarms: [], NextToken: 'same' });
    const err = await new CloudWatchAlarms(t.clients).describeAlarms('eu-west-1', ['a']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/NextToken same points at its own page/);
  });

  it('Throttling is a TransientError naming the call and region', async () => {
    cloudWatch([], 'us-east-1', 'DescribeAlarms', { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    const err = await new CloudWatchAlarms(t.clients).describeAlarms('us-east-1', ['a']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe('DescribeAlarms (us-east-1): Throttling: Rate exceeded (request req-1)');
  });
});

describe('CloudWatchAlarms.putAlarm', () => {
  it('sends PutMetricAlarm in the alarm region with every field of the spec, actions disabled and none named', async () => {
    const sent: Sent[] = [];
    cloudWatch(sent, 'eu-west-1', 'PutMetricAlarm', {});
    await new CloudWatchAlarms(t.clients).putAlarm(SPEC);
    t.aws.done();
    expect(sent).toEqual([
      {
        host: 'monitoring.eu-west-1.amazonaws.com',
        operation: 'PutMetricAlarm',
        body: {
          AlarmName: 'failover-shop-us-east-1-evacuate',
          AlarmDescription: 'Stack in eu-west-1 votes to take us-east-1 out of DNS for shop',
          ActionsEnabled: false,
          Namespace: 'FailoverController',
          MetricName: 'EvacuateRegion',
          Dimensions: [
            { Name: 'Application', Value: 'shop' },
            { Name: 'Region', Value: 'us-east-1' },
          ],
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 2,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        },
      },
    ]);
  });

  it('LimitExceeded (too many alarms) is a PermanentError naming the alarm', async () => {
    const refusal = { status: 400, code: 'LimitExceeded', message: 'The maximum number of alarms has been reached' };
    cloudWatch([], 'eu-west-1', 'PutMetricAlarm', refusal);
    const err = await new CloudWatchAlarms(t.clients).putAlarm(SPEC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/^PutMetricAlarm failover-shop-us-east-1-evacuate \(eu-west-1\): LimitExceeded/);
  });
});
