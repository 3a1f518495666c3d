import nock from 'nock';
import { gunzipSync } from 'node:zlib';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';

/** DescribeAlarms: at most 100 AlarmNames; MaxRecords 1 to 100, 50 when not sent (API reference, DescribeAlarms). */
const MAX_ALARM_NAMES = 100;
const DEFAULT_MAX_RECORDS = 50;
/** PutMetricData: at most 1,000 MetricDatum and 30 dimensions each (API reference, PutMetricData). */
const MAX_METRIC_DATA = 1_000;
const MAX_DIMENSIONS = 30;

/** One request the fake answered. */
export interface FakeCloudWatchCall {
  region: string;
  /** The operation of X-Amz-Target, e.g. PutMetricData. */
  operation: string;
  status: number;
  /** The error code answered, if any. */
  error?: string;
  /** Content-Encoding of the request (PutMetricData bodies of 10 KiB or more go gzipped). */
  encoding?: string;
  /** PutMetricData: how many MetricDatum the request held. */
  data?: number;
}

/** One datum CloudWatch received through PutMetricData. */
export interface FakeDatum {
  namespace: string;
  metricName: string;
  dimensions: { name: string; value: string }[];
  value: number;
  unit?: string;
  /** When it arrived (the fake's `now`): no timestamp sent means CloudWatch stamps it on receipt. */
  at: number;
}

/** A metric alarm as the fake stores it: the PutMetricAlarm request as sent, and its state. */
interface FakeAlarm {
  request: Record<string, unknown>;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason: string;
  stateUpdatedAt: number;
  configuredAt: number;
}

class CloudWatchError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for CloudWatch behind nock, in every region
 * (`monitoring.<region>.amazonaws.com`), speaking the wire format of the
 * installed SDK: JSON 1.0 with X-Amz-Target
 * `GraniteServiceVersion20100801.<Operation>`, awsQueryCompatible errors
 * (`__type` in the body, the query-era code in `x-amzn-query-error`), and
 * PutMetricData's request compression (a gzipped body, which nock hands over
 * hex-encoded). Each region holds its own alarms and metric data.
 * - PutMetricAlarm creates or replaces the alarm: the new request replaces
 *   every setting (one not sent is gone), the state stays; a new alarm is
 *   INSUFFICIENT_DATA. Missing required fields or a Period other than 10,
 *   20, 30 or a multiple of 60 are ValidationError.
 * - DescribeAlarms by AlarmNames (at most 100, else ValidationError), only
 *   metric alarms unless AlarmTypes asks otherwise, sorted by name, at most
 *   MaxRecords (1-100, default 50) and `describePageSize` a page, paging with
 *   an opaque NextToken that is valid only for the same query
 *   (InvalidNextToken otherwise). The fake never evaluates an alarm.
 * - PutMetricData stores every datum with its arrival time; more than 1,000
 *   MetricDatum, a datum without MetricName or with more than 30 dimensions
 *   is InvalidParameterValue, no Namespace a ValidationError.
 * - `refuseNext` answers the next request of an operation with an error.
 */
export class FakeCloudWatch {
  readonly calls: FakeCloudWatchCall[] = [];
  /** Alarms per region, by name. */
  private readonly alarms = new Map<string, Map<string, FakeAlarm>>();
  private readonly data = new Map<string, FakeDatum[]>();
  private readonly tokens = new Map<string, { query: string; offset: number }>();
  private readonly scripted: { operation: string; status: number; code: string; message: string }[] = [];
  private interceptor: nock.Interceptor | undefined;
  private nextToken = 1;
  private nextRequest = 1;

  constructor(
    private readonly options: {
      now: () => number;
      /** The most alarms one DescribeAlarms page holds, whatever MaxRecords asks (AWS: MaxRecords). */
      describePageSize?: number;
    },
  ) {}

  /** The data PutMetricData delivered to a region, in arrival order. */
  metricData(region: string): FakeDatum[] {
    return structuredClone(this.data.get(region) ?? []);
  }

  /** The PutMetricAlarm request an alarm was last put with, if it exists in the region. */
  alarmRequest(region: string, name: string): Record<string, unknown> | undefined {
    const alarm = this.alarms.get(region)?.get(name);
    return alarm ? structuredClone(alarm.request) : undefined;
  }

  /** Answer the next request of `operation` with this error, changing nothing (e.g. 400 Throttling "Rate exceeded"). */
  refuseNext(operation: string, status: number, code: string, message: string): void {
    this.scripted.push({ operation, status, code, message });
  }

  /** Start answering requests to every region's endpoint. */
  install(): this {
    const fake = this;
    this.interceptor = nock(/^https:\/\/monitoring\.[a-z0-9-]+\.amazonaws\.com(:443)?$/).persist().post('/');
    this.interceptor.reply(function (this: nock.ReplyFnContext, _uri, body) {
      return fake.handle(this.req.headers, body);
    });
    return this;
  }

  /** Stop answering. */
  close(): void {
    if (this.interceptor) nock.removeInterceptor(this.interceptor);
    this.interceptor = undefined;
  }

  private handle(headers: Record<string, string | string[] | undefined>, body: nock.Body): [number, string, Record<string, string>] {
    const region = /^monitoring\.([a-z0-9-]+)\.amazonaws\.com/.exec(String(headers['host']))?.[1] ?? 'unknown';
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const encoding = headers['content-encoding'] as string | undefined;
    const requestId = `00000000-0000-4000-8000-${String(this.nextRequest++).padStart(12, '0')}`;
    const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId };
    const call: FakeCloudWatchCall = { region, operation, status: 200, ...(encoding ? { encoding } : {}) };
    this.calls.push(call);
    try {
      if (String(headers['content-type']) !== 'application/x-amz-json-1.0') {
        throw new CloudWatchError(400, 'ValidationError', `unexpected content type ${String(headers['content-type'])}`);
      }
      const request = decode(body, encoding);
      const scripted = this.scripted.findIndex((s) => s.operation === operation);
      if (scripted >= 0) {
        const [error] = this.scripted.splice(scripted, 1);
        throw new CloudWatchError(error!.status, error!.code, error!.message);
      }
      let answer: Record<string, unknown>;
      if (operation === 'PutMetricAlarm') answer = this.putMetricAlarm(region, request);
      else if (operation === 'DescribeAlarms') answer = this.describeAlarms(region, request);
      else if (operation === 'PutMetricData') {
        call.data = Array.isArray(request['MetricData']) ? request['MetricData'].length : 0;
        answer = this.putMetricData(region, request);
      } else throw new CloudWatchError(400, 'UnknownOperationException', `unknown operation ${target}`);
      return [200, JSON.stringify(answer), json];
    } catch (err) {
      if (!(err instanceof CloudWatchError)) throw err;
      call.status = err.status;
      call.error = err.code;
      const type = err.status >= 500 ? 'Receiver' : 'Sender';
      const errorBody = JSON.stringify({ __type: `com.amazonaws.cloudwatch#${err.code}`, message: err.message });
      return [err.status, errorBody, { ...json, 'x-amzn-query-error': `${err.code};${type}` }];
    }
  }

  private putMetricAlarm(region: string, request: Record<string, unknown>): Record<string, unknown> {
    for (const field of ['AlarmName', 'EvaluationPeriods', 'ComparisonOperator']) {
      if (request[field] === undefined) throw validation(field);
    }
    if (request['Metrics'] === undefined) {
      for (const field of ['MetricName', 'Namespace', 'Period']) if (request[field] === undefined) throw validation(field);
      if (request['Statistic'] === undefined && request['ExtendedStatistic'] === undefined) {
        throw new CloudWatchError(400, 'ValidationError', 'Either Statistic or ExtendedStatistic must be specified');
      }
      const period = Number(request['Period']);
      if (![10, 20, 30].includes(period) && !(period > 0 && period % 60 === 0)) {
        throw new CloudWatchError(400, 'ValidationError', 'Period must be 10, 20, 30 or a multiple of 60');
      }
    }
    const alarms = this.alarms.get(region) ?? new Map<string, FakeAlarm>();
    this.alarms.set(region, alarms);
    const name = String(request['AlarmName']);
    const now = this.options.now();
    const existing = alarms.get(name);
    // "When you update an existing alarm, its state is left unchanged, but the update completely overwrites
    // the previous configuration of the alarm" (API reference, PutMetricAlarm).
    if (existing) alarms.set(name, { ...existing, request: structuredClone(request), configuredAt: now });
    else {
      const stateReason = 'Unchecked: Initial alarm creation';
      const created: FakeAlarm = {
        request: structuredClone(request),
        state: 'INSUFFICIENT_DATA',
        stateReason,
        stateUpdatedAt: now,
        configuredAt: now,
      };
      alarms.set(name, created);
    }
    return {};
  }

  private describeAlarms(region: string, request: Record<string, unknown>): Record<string, unknown> {
    const names = request['AlarmNames'] as string[] | undefined;
    if (names && names.length > MAX_ALARM_NAMES) {
      throw constraint('alarmNames', `Member must have length less than or equal to ${MAX_ALARM_NAMES}`);
    }
    const maxRecords = request['MaxRecords'] === undefined ? DEFAULT_MAX_RECORDS : Number(request['MaxRecords']);
    if (!(maxRecords >= 1 && maxRecords <= 100)) {
      throw constraint('maxRecords', 'Member must have value between 1 and 100', maxRecords);
    }
    const types = request['AlarmTypes'] as string[] | undefined;
    const query = JSON.stringify({ region, names: names ?? null, types: types ?? null, state: request['StateValue'] ?? null });
    let offset = 0;
    if (request['NextToken'] !== undefined) {
      const token = this.tokens.get(String(request['NextToken']));
      if (!token || token.query !== query) throw new CloudWatchError(400, 'InvalidNextToken', 'The service returned an invalid NextToken');
      offset = token.offset;
    }
    // Without AlarmTypes only metric alarms are returned; the fake holds no composite alarms.
    const metric = types === undefined || types.includes('MetricAlarm');
    const wanted = names ? new Set(names) : undefined;
    const stateValue = request['StateValue'];
    const matching = [...(this.alarms.get(region) ?? new Map<string, FakeAlarm>())]
      .filter(([name, alarm]) => metric && (!wanted || wanted.has(name)) && (stateValue === undefined || alarm.state === stateValue))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const size = Math.min(maxRecords, this.options.describePageSize ?? maxRecords);
    const page = matching.slice(offset, offset + size);
    const answer: Record<string, unknown> = { MetricAlarms: page.map(([, alarm]) => this.metricAlarm(region, alarm)), CompositeAlarms: [] };
    if (offset + size < matching.length) {
      const token = `token-${this.nextToken++}`;
      this.tokens.set(token, { query, offset: offset + size });
      answer['NextToken'] = token;
    }
    return answer;
  }

  private putMetricData(region: string, request: Record<string, unknown>): Record<string, unknown> {
    if (request['Namespace'] === undefined) throw validation('Namespace');
    const data = (request['MetricData'] ?? []) as Record<string, unknown>[];
    if (data.length === 0) throw validation('MetricData');
    if (data.length > MAX_METRIC_DATA) {
      throw invalidValue(`The collection MetricData must not have a size greater than ${MAX_METRIC_DATA}.`);
    }
    const at = this.options.now();
    const received: FakeDatum[] = [];
    for (const [i, datum] of data.entries()) {
      const dimensions = (datum['Dimensions'] ?? []) as { Name: string; Value: string }[];
      if (datum['MetricName'] === undefined) throw invalidValue(`The parameter MetricData.member.${i + 1}.MetricName is required.`);
      if (dimensions.length > MAX_DIMENSIONS) {
        throw invalidValue(`The collection MetricData.member.${i + 1}.Dimensions must not have a size greater than ${MAX_DIMENSIONS}.`);
      }
      received.push({
        namespace: String(request['Namespace']),
        metricName: String(datum['MetricName']),
        dimensions: dimensions.map((d) => ({ name: d.Name, value: d.Value })),
        value: Number(datum['Value']),
        ...(datum['Unit'] !== undefined ? { unit: String(datum['Unit']) } : {}),
        at,
      });
    }
    // All or nothing: a refused request stores none of its data.
    this.data.set(region, [...(this.data.get(region) ?? []), ...received]);
    return {};
  }

  /** A MetricAlarm as DescribeAlarms returns it: the settings as put, CloudWatch's own fields, epoch-second timestamps. */
  private metricAlarm(region: string, alarm: FakeAlarm): Record<string, unknown> {
    const r = alarm.request;
    const optional = (field: string) => (r[field] !== undefined ? { [field]: r[field] } : {});
    return {
      AlarmName: r['AlarmName'],
      AlarmArn: `arn:aws:cloudwatch:${region}:123456789012:alarm:${String(r['AlarmName'])}`,
      ...optional('AlarmDescription'),
      AlarmConfigurationUpdatedTimestamp: alarm.configuredAt / 1000,
      ActionsEnabled: r['ActionsEnabled'] ?? true,
      OKActions: r['OKActions'] ?? [],
      AlarmActions: r['AlarmActions'] ?? [],
      InsufficientDataActions: r['InsufficientDataActions'] ?? [],
      StateValue: alarm.state,
      StateReason: alarm.stateReason,
      StateUpdatedTimestamp: alarm.stateUpdatedAt / 1000,
      ...['MetricName', 'Namespace', 'Statistic', 'ExtendedStatistic'].reduce((o, f) => ({ ...o, ...optional(f) }), {}),
      Dimensions: r['Dimensions'] ?? [],
      ...optional('Period'),
      ...optional('Unit'),
      EvaluationPeriods: r['EvaluationPeriods'],
      ...optional('DatapointsToAlarm'),
      Threshold: r['Threshold'],
      ComparisonOperator: r['ComparisonOperator'],
      ...optional('TreatMissingData'),
      StateTransitionedTimestamp: alarm.stateUpdatedAt / 1000,
    };
  }
}

/** A request body as JSON: gzipped bodies arrive hex-encoded from nock, others as text (or already parsed). */
function decode(body: nock.Body, encoding: string | undefined): Record<string, unknown> {
  if (encoding === 'gzip') return JSON.parse(gunzipSync(Buffer.from(String(body), 'hex')).toString('utf8')) as Record<string, unknown>;
  if (typeof body === 'string') return (body === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
  return body as Record<string, unknown>;
}

/** CloudWatch's answer to a required field left out. */
function validation(field: string): CloudWatchError {
  return constraint(field.charAt(0).toLowerCase() + field.slice(1), 'Member must not be null', null);
}

/** A ValidationError for a member that breaks a constraint of the API model. */
function constraint(member: string, rule: string, value?: unknown): CloudWatchError {
  const what = value === undefined ? 'Value' : `Value '${String(value)}'`;
  const message = `1 validation error detected: ${what} at '${member}' failed to satisfy constraint: ${rule}`;
  return new CloudWatchError(400, 'ValidationError', message);
}

/** PutMetricData's InvalidParameterValue. */
function invalidValue(message: string): CloudWatchError {
  return new CloudWatchError(400, 'InvalidParameterValue', message);
}
