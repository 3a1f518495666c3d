import nock from 'nock';

const XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';
const VERSION = '2011-01-01';

/** How a group starts: its bounds and how many instances are already InService. */
export interface FakeGroupSeed {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

/** One request the fake answered, in order: the action and its form parameters. */
export interface FakeAutoScalingCall {
  action: string;
  params: Record<string, string>;
  status: number;
}

interface FakeInstance {
  id: string;
  launchedAt: number;
  /** When scale-in picked it; it is gone `terminateMs` later. */
  terminatingAt?: number;
}

interface FakeGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desired: number;
  createdAt: number;
  instances: FakeInstance[];
}

class AwsQueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small, stateful stand-in for EC2 Auto Scaling behind nock, speaking the
 * awsQuery protocol (form-encoded POST, XML answers) for the two operations
 * the compute adapter uses. Instances launch Pending and are InService
 * `bootMs` later on the fake's clock; scale-in marks the newest Terminating
 * and removes them `terminateMs` later. Like AWS, an update that leaves
 * DesiredCapacity outside [MinSize, MaxSize] is a ValidationError, and
 * DescribeAutoScalingGroups pages over groups with an opaque NextToken.
 */
export class FakeAutoScaling {
  readonly calls: FakeAutoScalingCall[] = [];
  private readonly groups = new Map<string, FakeGroup>();
  private nextInstance = 1;
  private nextRequest = 1;
  private interceptor: nock.Interceptor | undefined;

  constructor(
    private readonly options: {
      region: string;
      now: () => number;
      bootMs: number;
      terminateMs: number;
      /** Groups per DescribeAutoScalingGroups page when MaxRecords is not sent (AWS: 50). */
      pageSize?: number;
    },
  ) {}

  /** The endpoint the SDK calls for this region. */
  get endpoint(): string {
    return `https://autoscaling.${this.options.region}.amazonaws.com`;
  }

  /** Create a group whose instances are already InService. */
  addGroup(seed: FakeGroupSeed): void {
    const bootedAt = this.options.now() - this.options.bootMs;
    const group: FakeGroup = { name: seed.name, minSize: seed.minSize, maxSize: seed.maxSize, desired: 0, createdAt: bootedAt, instances: [] };
    this.groups.set(seed.name, group);
    this.resize(group, seed.desiredCapacity, bootedAt);
  }

  /** Start answering requests to this region's endpoint. */
  install(): this {
    const interceptor = nock(this.endpoint).persist().post('/');
    interceptor.reply((_uri, body) => this.handle(typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString()));
    this.interceptor = interceptor;
    return this;
  }

  /** Stop answering. */
  close(): void {
    if (this.interceptor) nock.removeInterceptor(this.interceptor);
    this.interceptor = undefined;
  }

  private handle(body: string): [number, string, Record<string, string>] {
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params['Action'] ?? '';
    const requestId = `00000000-0000-4000-8000-${String(this.nextRequest++).padStart(12, '0')}`;
    let status = 200;
    let xml: string;
    try {
      if (params['Version'] !== VERSION) throw new AwsQueryError(400, 'InvalidAction', `Version ${params['Version'] ?? '(none)'} is not ${VERSION}`);
      const result =
        action === 'DescribeAutoScalingGroups' ? this.describe(params) : action === 'UpdateAutoScalingGroup' ? this.update(params) : undefined;
      if (result === undefined) throw new AwsQueryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
      xml =
        `<${action}Response xmlns="${XMLNS}">` +
        (result === '' ? '' : `<${action}Result>${result}</${action}Result>`) +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    } catch (err) {
      if (!(err instanceof AwsQueryError)) throw err;
      status = err.status;
      const type = err.status >= 500 ? 'Receiver' : 'Sender';
      xml =
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${err.code}</Code><Message>${esc(err.message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    this.calls.push({ action, params, status });
    return [status, `<?xml version="1.0"?>\n${xml}`, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }];
  }

  private describe(params: Record<string, string>): string {
    const names = memberList(params, 'AutoScalingGroupNames');
    const all = [...this.groups.values()].filter((g) => names.length === 0 || names.includes(g.name));
    const pageSize = params['MaxRecords'] !== undefined ? integer(params, 'MaxRecords', 1, 100) : (this.options.pageSize ?? 50);
    const start = params['NextToken'] !== undefined ? decodeToken(params['NextToken']) : 0;
    const page = all.slice(start, start + pageSize);
    const next = start + pageSize < all.length ? `<NextToken>${encodeToken(start + pageSize)}</NextToken>` : '';
    return `<AutoScalingGroups>${page.map((g) => this.groupXml(g)).join('')}</AutoScalingGroups>${next}`;
  }

  private update(params: Record<string, string>): string {
    const name = params['AutoScalingGroupName'];
    if (!name) throw new AwsQueryError(400, 'ValidationError', '1 validation error detected: AutoScalingGroupName must not be null');
    const group = this.groups.get(name);
    if (!group) throw new AwsQueryError(400, 'ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
    const min = params['MinSize'] !== undefined ? integer(params, 'MinSize', 0) : group.minSize;
    const max = params['MaxSize'] !== undefined ? integer(params, 'MaxSize', 0) : group.maxSize;
    if (min > max) throw new AwsQueryError(400, 'ValidationError', `Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
    // AWS: a new MinSize above (or MaxSize below) the current size moves DesiredCapacity with it when none is given.
    const desired = params['DesiredCapacity'] !== undefined ? integer(params, 'DesiredCapacity', 0) : Math.min(max, Math.max(min, group.desired));
    if (desired < min || desired > max) {
      throw new AwsQueryError(400, 'ValidationError', `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
    }
    group.minSize = min;
    group.maxSize = max;
    this.resize(group, desired, this.options.now());
    return '';
  }

  /** Launch or pick for termination until the live (not Terminating) instances match `desired`. */
  private resize(group: FakeGroup, desired: number, at: number): void {
    group.desired = desired;
    const live = group.instances.filter((i) => i.terminatingAt === undefined);
    for (let n = live.length; n < desired; n++) {
      group.instances.push({ id: `i-0fake${String(this.nextInstance++).padStart(12, '0')}`, launchedAt: at });
    }
    for (const instance of live.slice(desired).reverse()) instance.terminatingAt = at;
  }

  private groupXml(group: FakeGroup): string {
    const now = this.options.now();
    const { bootMs, terminateMs, region } = this.options;
    group.instances = group.instances.filter((i) => i.terminatingAt === undefined || now < i.terminatingAt + terminateMs);
    const instances = group.instances
      .map((i) => {
        const state = i.terminatingAt !== undefined ? 'Terminating' : now >= i.launchedAt + bootMs ? 'InService' : 'Pending';
        return (
          `<member><InstanceId>${i.id}</InstanceId><InstanceType>t3.micro</InstanceType><AvailabilityZone>${region}a</AvailabilityZone>` +
          `<LifecycleState>${state}</LifecycleState><HealthStatus>Healthy</HealthStatus>` +
          `<LaunchTemplate><LaunchTemplateId>lt-0fake0000000000001</LaunchTemplateId><LaunchTemplateName>web</LaunchTemplateName><Version>1</Version></LaunchTemplate>` +
          `<ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`
        );
      })
      .join('');
    return (
      `<member><AutoScalingGroupName>${esc(group.name)}</AutoScalingGroupName>` +
      `<AutoScalingGroupARN>arn:aws:autoscaling:${region}:123456789012:autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/${esc(group.name)}</AutoScalingGroupARN>` +
      `<MinSize>${group.minSize}</MinSize><MaxSize>${group.maxSize}</MaxSize><DesiredCapacity>${group.desired}</DesiredCapacity>` +
      `<DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>${region}a</member></AvailabilityZones>` +
      `<HealthCheckType>EC2</HealthCheckType><HealthCheckGracePeriod>300</HealthCheckGracePeriod>` +
      `<CreatedTime>${new Date(group.createdAt).toISOString()}</CreatedTime>` +
      `<Instances>${instances}</Instances><TerminationPolicies><member>Default</member></TerminationPolicies>` +
      `<NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn></member>`
    );
  }
}

/** awsQuery lists: Name.member.1, Name.member.2, … */
function memberList(params: Record<string, string>, name: string): string[] {
  const values: string[] = [];
  for (let n = 1; params[`${name}.member.${n}`] !== undefined; n++) values.push(params[`${name}.member.${n}`]!);
  return values;
}

function integer(params: Record<string, string>, name: string, min: number, max = 2 ** 31 - 1): number {
  const raw = params[name] ?? '';
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) {
    throw new AwsQueryError(400, 'ValidationError', `Value '${raw}' at '${name}' failed to satisfy constraint: Member must be an integer between ${min} and ${max}`);
  }
  return value;
}

function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

function decodeToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString());
  if (!match) throw new AwsQueryError(400, 'InvalidNextToken', 'The token is not valid.');
  return Number(match[1]);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
