import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Config } from '../../../src/config/types.js';
import { ALL_METRICS, METRICS, stageNamespace } from '../../../src/metrics/catalog.js';

const NAMESPACE = stageNamespace('prod');
import { type CfnResource, logicalIds, metricDimensions, stackAlarms } from '../../../src/deploy/stack-alarms.js';

const ROOT = join(import.meta.dirname, '../../..');
/** The example's topic is in us-east-1: the stack there pages through it, the one in eu-west-1 needs its own. */
const CONFIGURED_TOPIC = 'arn:aws:sns:us-east-1:123456789012:failover-controller-pages';

type Json = Record<string, any>;

let config: Config;
beforeAll(async () => {
  config = await loadConfig(join(ROOT, 'examples/failover.aws.yaml'));
});

const alarmsOf = (resources: Record<string, CfnResource>): [string, Json][] =>
  Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([id, r]) => [id, r.Properties]);

/** The alarm reading `metric` with exactly these dimensions. */
function find(resources: Record<string, CfnResource>, metric: string, dims: Record<string, string>): Json {
  const dimsOf = (p: Json) => JSON.stringify(Object.fromEntries(p['Dimensions'].map((d: Json) => [d['Name'], d['Value']])));
  const found = alarmsOf(resources).filter(([, p]) => p['MetricName'] === metric && dimsOf(p) === JSON.stringify(dims));
  expect(found.map(([id]) => id), `${metric} ${JSON.stringify(dims)}`).toHaveLength(1);
  return found[0]![1];
}

describe("a stack's alarms on the controller itself", () => {
  it('read only metrics of the catalogue, in its namespace, with dimensions that are exactly their labels or a roll-up', () => {
    for (const stackRegion of ['us-east-1', 'eu-west-1']) {
      const { Resources } = stackAlarms({ config, stackRegion, namePrefix: 'fc-prod', namespace: NAMESPACE });
      for (const [id, p] of alarmsOf(Resources)) {
        expect(p['Namespace'], id).toBe(NAMESPACE);
        const metric = ALL_METRICS.find((m) => m.name === p['MetricName']);
        expect(metric, `${id}: ${p['MetricName']} is not in the catalogue`).toBeDefined();
        const names = (p['Dimensions'] as Json[]).map((d) => d['Name'] as string).sort();
        const sets = [metric!.labels, ...(metric!.rollups ?? [])].map((s) => [...s].sort());
        expect(sets, `${id}: {${names.join(', ')}}`).toContainEqual(names);
        expect(p['Unit'], `${id}: a Unit would have to match the EMF unit exactly`).toBeUndefined();
      }
    }
  });

  it("has a dead man's switch on this region's probe rounds that counts missing data as breaching", () => {
    const { Resources } = stackAlarms({ config, stackRegion: 'eu-west-1', namePrefix: 'fc-prod', namespace: NAMESPACE });
    const p = find(Resources, METRICS.roundDuration.name, { vantage: 'eu-west-1' });
    expect(p).toMatchObject({
      AlarmName: 'fc-prod-eu-west-1-probe-rounds-stopped',
      Statistic: 'SampleCount',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(p['AlarmDescription']).toContain('serverless logs -f probe --region eu-west-1');
  });

  it("takes the dead man's switch's minutes, never fewer than the probe interval allows, and refuses nonsense", () => {
    const minutes = (c: Config, wanted?: number) => {
      const { Resources } = stackAlarms({ config: c, stackRegion: 'eu-west-1', namePrefix: 'p', namespace: NAMESPACE, deadMansSwitchMinutes: wanted });
      return find(Resources, METRICS.roundDuration.name, { vantage: 'eu-west-1' });
    };
    expect(minutes(config, 10)).toMatchObject({ EvaluationPeriods: 10, DatapointsToAlarm: 10 });
    // Rounds every five minutes: a quiet minute is normal, seven are not.
    const slow: Config = { ...config, applications: config.applications.map((a) => ({ ...a, policy: { ...a.policy, probeIntervalSeconds: 300 } })) };
    expect(minutes(slow)).toMatchObject({ EvaluationPeriods: 7, DatapointsToAlarm: 7 });
    for (const bad of [0, 2.5, Number.NaN, 5000]) {
      expect(() => minutes(config, bad)).toThrow(/--param deadMansSwitchMinutes: must be a whole number of minutes from 1 to 1440/);
    }
  });

  it('has, per application, a failed-run alarm and a failing-readiness alarm', () => {
    const { Resources } = stackAlarms({ config, stackRegion: 'eu-west-1', namePrefix: 'fc-prod', namespace: NAMESPACE });
    expect(config.applications.map((a) => a.name)).toEqual(['shop', 'ledger']);
    for (const { name: app } of config.applications) {
      expect(find(Resources, METRICS.runs.name, { app, outcome: 'failed' })).toMatchObject({
        AlarmName: `fc-prod-eu-west-1-${app}-run-failed`,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(find(Resources, METRICS.readinessFailing.name, { app })).toMatchObject({
        AlarmName: `fc-prod-eu-west-1-${app}-readiness-failing`,
        Statistic: 'Minimum',
        Period: 60,
        // Two readiness evaluations (every 5 minutes) and a minute: one failing evaluation alone does not page.
        EvaluationPeriods: 11,
        DatapointsToAlarm: 11,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    expect(alarmsOf(Resources)).toHaveLength(1 + 2 * config.applications.length);
  });

  it("pages through the configured topic when it is in the stack's region", () => {
    const { Resources, Outputs } = stackAlarms({ config, stackRegion: 'us-east-1', namePrefix: 'fc-prod', namespace: NAMESPACE });
    expect(Object.values(Resources).filter((r) => r.Type === 'AWS::SNS::Topic')).toEqual([]);
    expectActions(Resources, CONFIGURED_TOPIC);
    expect(Outputs['AlarmTopicArn']!.Value).toBe(CONFIGURED_TOPIC);
  });

  it('creates a topic of its own, named in the outputs, when the configured one is in another region or there is none', () => {
    const none: Config = { ...config, notifications: {} };
    for (const c of [config, none]) {
      const { Resources, Outputs } = stackAlarms({ config: c, stackRegion: 'eu-west-1', namePrefix: 'fc-prod', namespace: NAMESPACE });
      expect(Resources['AlarmTopic']).toEqual({
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: 'fc-prod-alarms', DisplayName: 'failover-controller alarms (eu-west-1)' },
      });
      expectActions(Resources, { Ref: 'AlarmTopic' });
      expect(Outputs['AlarmTopicArn']).toMatchObject({ Value: { Ref: 'AlarmTopic' }, Description: expect.stringContaining('subscribe the on-call pager') });
    }
  });

  it('lists the alarm ids for the dashboard, the dead man\'s switch first', () => {
    const { Resources, alarmIds } = stackAlarms({ config, stackRegion: 'eu-west-1', namePrefix: 'fc-prod', namespace: NAMESPACE });
    expect(alarmIds[0]).toBe('ProbeRoundsAlarm');
    expect(alarmIds.sort()).toEqual(alarmsOf(Resources).map(([id]) => id).sort());
  });

  it('gives every application logical ids of its own, even when two names differ only in hyphens', () => {
    expect([...logicalIds(['shop', 'shop-eu', 'shopEu', 'a-b-c']).values()]).toEqual(['Shop', 'ShopEu', 'ShopEu2', 'ABC']);
    const twins: Config = { ...config, applications: [config.applications[0]!, { ...config.applications[0]!, name: 'Shop' }] };
    const ids = Object.keys(stackAlarms({ config: twins, stackRegion: 'eu-west-1', namePrefix: 'p', namespace: NAMESPACE }).Resources);
    expect(ids).toEqual(expect.arrayContaining(['RunFailedAlarmShop', 'RunFailedAlarmShop2', 'ReadinessAlarmShop', 'ReadinessAlarmShop2']));
  });

  it('refuses a dimension set the metric is not written with', () => {
    expect(metricDimensions(METRICS.runs, { outcome: 'failed', app: 'shop' })).toEqual([
      { Name: 'app', Value: 'shop' },
      { Name: 'outcome', Value: 'failed' },
    ]);
    expect(() => metricDimensions(METRICS.runs, { app: 'shop' })).toThrow(/failover_runs_total: \{app\} is not one of its dimension sets/);
    expect(() => metricDimensions(METRICS.roundDuration, { vantage: 'eu-west-1', service: 'failover-controller' })).toThrow(/not one of its dimension sets/);
  });

  it('keeps alarm names and logical ids within 255 characters for the longest application names, and apart', () => {
    const long = (tail: string) => `a${'b'.repeat(250)}${tail}`;
    const c = { ...config, applications: [{ ...config.applications[0]!, name: long('x') }, { ...config.applications[0]!, name: long('y') }] };
    const { Resources } = stackAlarms({ config: c, stackRegion: 'eu-west-1', namePrefix: 'failover-controller-prod', namespace: NAMESPACE });
    const names = alarmsOf(Resources).map(([, p]) => p['AlarmName'] as string);
    for (const id of Object.keys(Resources)) expect(id.length, id).toBeLessThanOrEqual(255);
    for (const name of names) expect(name.length, name).toBeLessThanOrEqual(255);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(Resources).filter((id) => id.startsWith('ReadinessAlarm'))).toHaveLength(2);
  });
});

/** Every alarm pages through `topic`; the state-like ones also say when they are OK again, the failed run (an event) does not. */
function expectActions(resources: Record<string, CfnResource>, topic: unknown): void {
  for (const [id, p] of alarmsOf(resources)) {
    expect(p['AlarmActions'], id).toEqual([topic]);
    expect(p['ActionsEnabled'], id).not.toBe(false);
    if (p['MetricName'] === METRICS.runs.name) expect(p['OKActions'], id).toBeUndefined();
    else expect(p['OKActions'], id).toEqual([topic]);
  }
}
