import nock from 'nock';

const RDS_XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';

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
 * Scripted nock answers for the RDS query API and CloudWatch's JSON 1.0 API,
 * one interceptor per expected request, capturing what the SDK sent so a
 * test can assert it to the parameter.
 */
export class AwsNock {
  readonly rds: CapturedRds[] = [];
  readonly cloudWatch: CapturedCloudWatch[] = [];
  private requestId = 1;

  /** Answer the next RDS request to `region` with `Action`'s result XML (`result` is the inside of <ActionResult>). */
  rdsOk(region: string, action: string, result: string): this {
    nock(`https://rds.${region}.amazonaws.com`)
      .post('/', (body) => formOf(body)['Action'] === action)
      .reply((_uri, body) => {
        this.rds.push({ region, params: formOf(body) });
        const id = this.nextId();
        return [
          200,
          `<?xml version="1.0"?>\n<${action}Response xmlns="${RDS_XMLNS}"><${action}Result>${result}</${action}Result>` +
            `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`,
          { 'content-type': 'text/xml', 'x-amzn-requestid': id },
        ];
      });
    return this;
  }

  /** Answer the next RDS `action` request to `region` with an awsQuery ErrorResponse. */
  rdsError(region: string, action: string, status: number, code: string, message: string): this {
    nock(`https://rds.${region}.amazonaws.com`)
      .post('/', (body) => formOf(body)['Action'] === action)
      .reply((_uri, body) => {
        this.rds.push({ region, params: formOf(body) });
        const id = this.nextId();
        return [
          status,
          `<?xml version="1.0"?>\n<ErrorResponse xmlns="${RDS_XMLNS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
            `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
          { 'content-type': 'text/xml', 'x-amzn-requestid': id },
        ];
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

  /** Everything scripted was asked for. */
  done(): void {
    if (!nock.isDone()) throw new Error(`nock answers left unused: ${nock.pendingMocks().join(', ')}`);
  }

  private nextId(): string {
    return `00000000-0000-4000-8000-${String(this.requestId++).padStart(12, '0')}`;
  }
}

function formOf(body: nock.Body): Record<string, string> {
  if (typeof body === 'string') return Object.fromEntries(new URLSearchParams(body));
  return body as Record<string, string>;
}

/** A DBInstance element as DescribeDBInstances returns it. */
export function dbInstanceXml(options: { region: string; id: string; status?: string; source?: string; statusInfos?: string[] }): string {
  const infos = (options.statusInfos ?? [])
    .map((s) => `<DBInstanceStatusInfo><StatusType>read replication</StatusType><Normal>true</Normal><Status>${s}</Status></DBInstanceStatusInfo>`)
    .join('');
  return (
    `<DBInstance><DBInstanceIdentifier>${options.id}</DBInstanceIdentifier><DBInstanceClass>db.r6g.large</DBInstanceClass>` +
    `<Engine>postgres</Engine><DBInstanceStatus>${options.status ?? 'available'}</DBInstanceStatus>` +
    `<AvailabilityZone>${options.region}a</AvailabilityZone><MultiAZ>false</MultiAZ>` +
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
export function dbClusterXml(options: { region: string; id: string; status?: string }): string {
  return (
    `<DBCluster><DBClusterIdentifier>${options.id}</DBClusterIdentifier><Status>${options.status ?? 'available'}</Status>` +
    `<Engine>aurora-postgresql</Engine><MultiAZ>false</MultiAZ><DBClusterArn>${clusterArn(options.region, options.id)}</DBClusterArn></DBCluster>`
  );
}

/** DescribeDBClusters' result for one cluster. */
export function describeDbClustersResult(options: { region: string; id: string; status?: string }): string {
  return `<DBClusters>${dbClusterXml(options)}</DBClusters>`;
}
