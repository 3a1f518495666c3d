import { type CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { PermanentError } from '../../errors/errors.js';
import type { Alarm, AlarmApi, AlarmSpec } from '../../ports/traffic-switch.js';
import { awsCall } from './aws-errors.js';

/** DescribeAlarms takes at most 100 AlarmNames, and MaxRecords is 1 to 100 (API reference, DescribeAlarms). */
export const MAX_ALARM_NAMES = 100;

/**
 * The AlarmApi port on CloudWatch (DescribeAlarms, PutMetricAlarm), in the
 * region of each alarm. These are provisioning and readiness calls, never on
 * the failover path: the alarms exist before a failover needs them.
 */
export class CloudWatchAlarms implements AlarmApi {
  constructor(private readonly clients: { cloudWatch(region: string): CloudWatchClient }) {}

  async describeAlarms(region: string, names: string[]): Promise<Alarm[]> {
    const unique = [...new Set(names)];
    const found: Alarm[] = [];
    for (let start = 0; start < unique.length; start += MAX_ALARM_NAMES) {
      const chunk = unique.slice(start, start + MAX_ALARM_NAMES);
      let token: string | undefined;
      do {
        const command = new DescribeAlarmsCommand({
          AlarmNames: chunk,
          // Only metric alarms: the port's alarms are on one metric each (CloudWatch's default, said out loud).
          AlarmTypes: ['MetricAlarm'],
          MaxRecords: MAX_ALARM_NAMES,
          ...(token ? { NextToken: token } : {}),
        });
        const page = await awsCall(`DescribeAlarms (${region})`, () => this.clients.cloudWatch(region).send(command));
        found.push(...(page.MetricAlarms ?? []).map((a) => fromMetricAlarm(region, a)));
        if (page.NextToken !== undefined && page.NextToken === token) {
          throw new PermanentError(`DescribeAlarms (${region}): NextToken ${token} points at its own page; refusing to loop`);
        }
        token = page.NextToken || undefined;
      } while (token);
    }
    return found;
  }

  async putAlarm(spec: AlarmSpec): Promise<void> {
    const command = new PutMetricAlarmCommand({
      AlarmName: spec.name,
      AlarmDescription: spec.description,
      // Route 53 reads the alarm's state itself (a CLOUDWATCH_METRIC health check); the alarm notifies nobody.
      ActionsEnabled: false,
      Namespace: spec.namespace,
      MetricName: spec.metricName,
      Dimensions: spec.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
      Statistic: spec.statistic,
      Period: spec.periodSeconds,
      EvaluationPeriods: spec.evaluationPeriods,
      Threshold: spec.threshold,
      ComparisonOperator: spec.comparison,
      TreatMissingData: spec.treatMissingData,
    });
    // PutMetricAlarm creates or replaces the whole alarm, so a repeat (SDK retry, engine retry) is harmless.
    await awsCall(`PutMetricAlarm ${spec.name} (${spec.region})`, () => this.clients.cloudWatch(spec.region).send(command));
  }
}

/**
 * An alarm as CloudWatch describes it. Values are passed on as CloudWatch
 * says them, even where the port's types are narrower (a Statistic of
 * Average on an alarm someone edited): a readiness check that compares the
 * spec with the one it wants then sees the drift instead of a tidied copy.
 */
function fromMetricAlarm(region: string, a: MetricAlarm): Alarm {
  return {
    spec: {
      region,
      name: a.AlarmName ?? '',
      namespace: a.Namespace ?? '',
      metricName: a.MetricName ?? '',
      dimensions: (a.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })),
      statistic: (a.Statistic ?? a.ExtendedStatistic ?? '') as AlarmSpec['statistic'],
      periodSeconds: a.Period ?? 0,
      evaluationPeriods: a.EvaluationPeriods ?? 0,
      threshold: a.Threshold ?? 0,
      comparison: (a.ComparisonOperator ?? '') as AlarmSpec['comparison'],
      // CloudWatch's default when an alarm was put without it.
      treatMissingData: (a.TreatMissingData ?? 'missing') as AlarmSpec['treatMissingData'],
      description: a.AlarmDescription ?? '',
    },
    state: a.StateValue ?? 'INSUFFICIENT_DATA',
  };
}
