import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { AwsClients } from '../../src/adapters/aws/aws-clients.js';
import type { Clock } from '../../src/ports/clock.js';

const RDS_XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const AUTOSCALING_XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** Time that stands still: a deadline passes only when its call fails (a refused connection), never by waiting. */
export const STILL_CLOCK: Clock = {
  now: () => Date.UTC(2026, 10, 24, 12),
  sleep: (_ms, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error))),
};

/**
 * For a test file of AWS adapters over nock: no real network in the file,
 * and per test fresh clients (test credentials, one attempt, so every
 * request is one the test scripted) and a fresh {@link AwsNock}, with
 * every interceptor cleared after it. Read the fields inside the tests.
 */
export function useAwsNock(): { clients: AwsClients; aws: AwsNock } {
  const current = {} as { clients: AwsClients; aws: AwsNock };
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => {
    current.clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
    current.aws = new AwsNock();
  });
  afterEach(() => {
    nock.cleanAll();
    current.clients.destroy();
  });
  return current;
}

/** One request nock answered: the region it went to, and its form parameters (RDS) or JSON body (CloudWatch). */
export interface CapturedRds {
  region: string;
  params: Record<string, string>;
}

export interface CapturedCloudWatch {
  region: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * Scripted nock answers for the query APIs of RDS and Auto Scaling and CloudWatch's JSON 1.0 API,
 * one interceptor per expected request, capturing what the SDK sent so a
 * test can assert it to the parameter.
 */
export class AwsNock {
  readonly rds: CapturedRds[] = [];
  readonly cloudWatch: CapturedCloudWatch[] = [];
  /** Auto Scaling requests (awsQuery, like RDS): region and form parameters. */
  readonly autoScaling: CapturedRds[] = [];
  /** EC2 requests (the ec2 query protocol): region and form parameters. */
  readonly ec2: CapturedRds[] = [];
  private requestId = 1;

  /** Answer the next RDS request to `region` with `Action`'s result XML (`result` is the inside of <ActionResult>). */
  rdsOk(region: string, action: string, result: string): this {
    return this.query('rds', region, action, 200, awsQueryOk(RDS_XMLNS, action, result));
  }

  /** Answer the next RDS `action` request to `region` with an awsQuery ErrorResponse. */
  rdsError(region: string, action: string, status: number, code: string, message: string): this {
    return this.query('rds', region, action, status, awsQueryError(RDS_XMLNS, status, code, message));
  }

  /** The next RDS `action` request to `region` finds nobody (connection refused): a region that does not answer. */
  rdsUnreachable(region: string, action: string): this {
    nock(`https://rds.${region}.amazonaws.com`)
      .post('/', (body) => formOf(body)['Action'] === action)
      .reply(async (_uri, body) => {
        this.rds.push({ region, params: formOf(body) });
        // Thrown from an async reply, nock fails the request the way a refused connection does (replyWithError never reaches the SDK).
        throw Object.assign(new Error(`connect ECONNREFUSED rds.${region}.amazonaws.com (simulated)`), { code: 'ECONNREFUSED' });
      });
    return this;
  }

  /** Answer the next GetMetricData request to `region` with this JSON body (status 200) or error. */
  getMetricData(region: string, answer: Record<string, unknown> | { status: number; code: string; message: string }): this {
    const respond = (headers: Record<string, string | string[] | undefined>, body: nock.Body): [number, string, Record<string, string>] => {
      this.cloudWatch.push({ region, headers, body: typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : (body as Record<string, unknown>) });
      const id = this.nextId();
      if (typeof answer['status'] === 'number') {
        const { status, code, message } = answer as { status: number; code: string; message: string };
        // JSON 1.0 with awsQueryCompatible: the query-era error code travels in x-amzn-query-error.
        return [
          status,
          JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message }),
          { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': id, 'x-amzn-query-error': `${code};${status >= 500 ? 'Receiver' : 'Sender'}` },
        ];
      }
      return [200, JSON.stringify(answer), { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': id }];
    };
    nock(`https://monitoring.${region}.amazonaws.com`)
      .post('/')
      .matchHeader('x-amz-target', 'GraniteServiceVersion20100801.GetMetricData')
      .reply(function (this: nock.ReplyFnContext, _uri, body) {
        return respond(this.req.headers, body);
      });
    return this;
  }

  /** Answer the next Auto Scaling `action` request to `region`; `result` is the inside of <ActionResult> ('' for an action without one). */
  autoScalingOk(region: string, action: string, result: string): this {
    return this.query('autoScaling', region, action, 200, awsQueryOk(AUTOSCALING_XMLNS, action, result));
  }

  /** Answer the next Auto Scaling `action` request to `region` with an awsQuery ErrorResponse. */
  autoScalingError(region: string, action: string, status: number, code: string, message: string): this {
    return this.query('autoScaling', region, action, status, awsQueryError(AUTOSCALING_XMLNS, status, code, message));
  }

  /** Answer the next EC2 `action` request to `region`; `result` is the response's content after its requestId (EC2 has no Result wrapper). */
  ec2Ok(region: string, action: string, result: string): this {
    return this.query('ec2', region, action, 200, (id) => `<${action}Response xmlns="${EC2_XMLNS}"><requestId>${id}</requestId>${result}</${action}Response>`);
  }

  /** Answer the next EC2 `action` request to `region` with EC2's error document (Response/Errors/Error, RequestID). */
  ec2Error(region: string, action: string, status: number, code: string, message: string): this {
    return this.query('ec2', region, action, status, (id) => `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`);
  }

  /** Everything scripted was asked for. */
  done(): void {
    if (!nock.isDone()) throw new Error(`nock answers left unused: ${nock.pendingMocks().join(', ')}`);
  }

  /** One query-protocol answer (RDS, Auto Scaling, EC2: form-encoded POST to `/`, XML back), captured under `service`. */
  private query(service: 'rds' | 'autoScaling' | 'ec2', region: string, action: string, status: number, xml: (requestId: string) => string): this {
    const host = service === 'autoScaling' ? 'autoscaling' : service;
    nock(`https://${host}.${region}.amazonaws.com`)
      .post('/', (body) => formOf(body)['Action'] === action)
      .reply((_uri, body) => {
        this[service].push({ region, params: formOf(body) });
        const id = this.nextId();
        return [status, `<?xml version="1.0" encoding="UTF-8"?>\n${xml(id)}`, { 'content-type': 'text/xml', 'x-amzn-requestid': id }];
      });
    return this;
  }

  private nextId(): string {
    return `00000000-0000-4000-8000-${String(this.requestId++).padStart(12, '0')}`;
  }
}

/** An awsQuery success document: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata/>` (no Result element for an empty result). */
function awsQueryOk(xmlns: string, action: string, result: string): (requestId: string) => string {
  return (id) =>
    `<${action}Response xmlns="${xmlns}">${result === '' ? '' : `<${action}Result>${result}</${action}Result>`}` +
    `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`;
}

/** An awsQuery ErrorResponse: Sender for a 4xx, Receiver for a 5xx. */
function awsQueryError(xmlns: string, status: number, code: string, message: string): (requestId: string) => string {
  return (id) =>
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
    `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`;
}

function formOf(body: nock.Body): Record<string, string> {
  if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
  return body as Record<string, string>;
}

/** A DBInstance element as DescribeDBInstances returns it. */
export function dbInstanceXml(options: { region: string; id: string; status?: string; source?: string; statusInfos?: string[]; multiAz?: boolean; extra?: string }): string {
  const infos = (options.statusInfos ?? [])
    .map((s) => `<DBInstanceStatusInfo><StatusType>read replication</StatusType><Normal>true</Normal><Status>${s}</Status></DBInstanceStatusInfo>`)
    .join('');
  return (
    `<DBInstance><DBInstanceIdentifier>${options.id}</DBInstanceIdentifier><DBInstanceClass>db.r6g.large</DBInstanceClass>` +
    `<Engine>postgres</Engine><DBInstanceStatus>${options.status ?? 'available'}</DBInstanceStatus>` +
    `<AvailabilityZone>${options.region}a</AvailabilityZone><MultiAZ>${options.multiAz === true}</MultiAZ>${options.extra ?? ''}` +
    (options.source ? `<ReadReplicaSourceDBInstanceIdentifier>${options.source}</ReadReplicaSourceDBInstanceIdentifier>` : '') +
    `<ReadReplicaDBInstanceIdentifiers/><StatusInfos>${infos}</StatusInfos>` +
    `<DBInstanceArn>arn:aws:rds:${options.region}:123456789012:db:${options.id}</DBInstanceArn></DBInstance>`
  );
}

/** DescribeDBInstances' result for these instances. */
export function describeDbInstancesResult(...instances: string[]): string {
  return `<DBInstances>${instances.join('')}</DBInstances>`;
}

/** The ARN of an Aurora DB cluster. */
export function clusterArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:123456789012:cluster:${id}`;
}

/** How a global cluster looks in a test. */
export interface GlobalClusterShape {
  id: string;
  status?: string;
  failoverState?: string;
  members: { arn: string; writer: boolean; sync?: string }[];
}

/** The fields of a GlobalCluster element. */
function globalClusterFields(options: GlobalClusterShape): string {
  const members = options.members
    .map(
      (m) =>
        `<GlobalClusterMember><DBClusterArn>${m.arn}</DBClusterArn><Readers/><IsWriter>${m.writer}</IsWriter>` +
        (m.writer ? '' : `<SynchronizationStatus>${m.sync ?? 'connected'}</SynchronizationStatus>`) +
        `</GlobalClusterMember>`,
    )
    .join('');
  const failover = options.failoverState ? `<FailoverState><Status>${options.failoverState}</Status><IsDataLossAllowed>true</IsDataLossAllowed></FailoverState>` : '';
  return (
    `<GlobalClusterIdentifier>${options.id}</GlobalClusterIdentifier>` +
    `<GlobalClusterResourceId>cluster-fake0001</GlobalClusterResourceId><GlobalClusterArn>arn:aws:rds::123456789012:global-cluster:${options.id}</GlobalClusterArn>` +
    `<Status>${options.status ?? 'available'}</Status><Engine>aurora-postgresql</Engine><EngineVersion>16.4</EngineVersion>` +
    `<StorageEncrypted>true</StorageEncrypted><DeletionProtection>false</DeletionProtection>` +
    `<GlobalClusterMembers>${members}</GlobalClusterMembers>${failover}`
  );
}

/** DescribeGlobalClusters' result for one global cluster (the list's members are named GlobalClusterMember in the RDS model). */
export function describeGlobalClustersResult(options: GlobalClusterShape): string {
  return `<GlobalClusters><GlobalClusterMember>${globalClusterFields(options)}</GlobalClusterMember></GlobalClusters>`;
}

/** The result of FailoverGlobalCluster / SwitchoverGlobalCluster: the global cluster. */
export function globalClusterResult(options: GlobalClusterShape): string {
  return `<GlobalCluster>${globalClusterFields(options)}</GlobalCluster>`;
}

/** A DBCluster element. */
export function dbClusterXml(options: { region: string; id: string; status?: string; engineVersion?: string; writerInstance?: boolean }): string {
  const members = options.writerInstance === false ? '<DBClusterMembers/>' : `<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>${options.id}-1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers>`;
  return (
    `<DBCluster><DBClusterIdentifier>${options.id}</DBClusterIdentifier><Status>${options.status ?? 'available'}</Status>` +
    `<Engine>aurora-postgresql</Engine><EngineVersion>${options.engineVersion ?? '16.4'}</EngineVersion><MultiAZ>false</MultiAZ>${members}` +
    `<DBClusterArn>${clusterArn(options.region, options.id)}</DBClusterArn></DBCluster>`
  );
}

/** DescribeDBClusters' result for one cluster. */
export function describeDbClustersResult(options: { region: string; id: string; status?: string; engineVersion?: string; writerInstance?: boolean }): string {
  return `<DBClusters>${dbClusterXml(options)}</DBClusters>`;
}

/** How an Auto Scaling group looks in a test: bounds, instances (WeightedCapacity only in groups with weights), suspended processes. */
export interface AsgShape {
  region: string;
  name: string;
  min: number;
  max: number;
  desired: number;
  instances?: { id: string; state: string; health?: string; weight?: number }[];
  suspended?: { name: string; reason: string }[];
}

/** DescribeAutoScalingGroups' result for these groups, members as AWS sends them. */
export function describeAutoScalingGroupsResult(...groups: AsgShape[]): string {
  const group = (g: AsgShape) => {
    const instances = (g.instances ?? [])
      .map(
        (i) =>
          `<member><InstanceId>${i.id}</InstanceId><InstanceType>m5.large</InstanceType><AvailabilityZone>${g.region}a</AvailabilityZone>` +
          `<LifecycleState>${i.state}</LifecycleState><HealthStatus>${i.health ?? 'Healthy'}</HealthStatus>` +
          `<LaunchTemplate><LaunchTemplateId>lt-0abc1234def567890</LaunchTemplateId><LaunchTemplateName>web</LaunchTemplateName><Version>7</Version></LaunchTemplate>` +
          `<ProtectedFromScaleIn>false</ProtectedFromScaleIn>${i.weight !== undefined ? `<WeightedCapacity>${i.weight}</WeightedCapacity>` : ''}</member>`,
      )
      .join('');
    const suspended = (g.suspended ?? []).map((p) => `<member><ProcessName>${p.name}</ProcessName><SuspensionReason>${p.reason}</SuspensionReason></member>`).join('');
    return (
      `<member><AutoScalingGroupName>${g.name}</AutoScalingGroupName>` +
      `<AutoScalingGroupARN>arn:aws:autoscaling:${g.region}:123456789012:autoScalingGroup:283179a2-f3ce-423d-93f6-66bb518232f7:autoScalingGroupName/${g.name}</AutoScalingGroupARN>` +
      `<MinSize>${g.min}</MinSize><MaxSize>${g.max}</MaxSize><DesiredCapacity>${g.desired}</DesiredCapacity><DefaultCooldown>300</DefaultCooldown>` +
      `<AvailabilityZones><member>${g.region}a</member><member>${g.region}b</member></AvailabilityZones><HealthCheckType>ELB</HealthCheckType>` +
      `<HealthCheckGracePeriod>300</HealthCheckGracePeriod><CreatedTime>2026-03-01T09:00:00.000Z</CreatedTime>` +
      `<Instances>${instances}</Instances><SuspendedProcesses>${suspended}</SuspendedProcesses>` +
      `<TerminationPolicies><member>Default</member></TerminationPolicies><NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn></member>`
    );
  };
  return `<AutoScalingGroups>${groups.map(group).join('')}</AutoScalingGroups>`;
}

/** One scaling activity as DescribeScalingActivities returns it (StatusMessage only on a failure, as AWS does). */
export interface ActivityShape {
  region: string;
  group: string;
  id: string;
  status: string;
  description: string;
  cause: string;
  start: string;
  end?: string;
  statusMessage?: string;
}

/** DescribeScalingActivities' result: these activities, in the order given (AWS: in progress first, then newest first). */
export function describeScalingActivitiesResult(...activities: ActivityShape[]): string {
  const activity = (a: ActivityShape) =>
    `<member><ActivityId>${a.id}</ActivityId><AutoScalingGroupName>${a.group}</AutoScalingGroupName>` +
    `<Description>${a.description}</Description><Cause>${a.cause}</Cause><StartTime>${a.start}</StartTime>` +
    (a.end ? `<EndTime>${a.end}</EndTime>` : '') +
    `<StatusCode>${a.status}</StatusCode>${a.statusMessage ? `<StatusMessage>${a.statusMessage}</StatusMessage>` : ''}<Progress>100</Progress>` +
    `<Details>{&quot;Subnet ID&quot;:&quot;subnet-5ea0c127&quot;,&quot;Availability Zone&quot;:&quot;${a.region}a&quot;}</Details>` +
    `<AutoScalingGroupARN>arn:aws:autoscaling:${a.region}:123456789012:autoScalingGroup:283179a2-f3ce-423d-93f6-66bb518232f7:autoScalingGroupName/${a.group}</AutoScalingGroupARN></member>`;
  return `<Activities>${activities.map(activity).join('')}</Activities>`;
}

/** One inbound or outbound rule as DescribeSecurityGroupRules lists it (an `item` of securityGroupRuleSet). */
export function securityGroupRuleXml(rule: { id: string; group: string; egress?: boolean; protocol: string; from?: number; to?: number; cidr?: string; sourceGroup?: string; description?: string }): string {
  return (
    `<item><securityGroupRuleId>${rule.id}</securityGroupRuleId><groupId>${rule.group}</groupId><groupOwnerId>123456789012</groupOwnerId>` +
    `<isEgress>${rule.egress === true}</isEgress><ipProtocol>${rule.protocol}</ipProtocol>` +
    (rule.from !== undefined ? `<fromPort>${rule.from}</fromPort>` : '') +
    (rule.to !== undefined ? `<toPort>${rule.to}</toPort>` : '') +
    (rule.cidr ? `<cidrIpv4>${rule.cidr}</cidrIpv4>` : '') +
    (rule.sourceGroup ? `<referencedGroupInfo><groupId>${rule.sourceGroup}</groupId><userId>123456789012</userId></referencedGroupInfo>` : '') +
    (rule.description ? `<description>${rule.description}</description>` : '') +
    `<tagSet/></item>`
  );
}
