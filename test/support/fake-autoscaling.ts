import nock from 'nock';
import { type ActivityXmlView, activityXml, errorXml, groupXml, responseXml } from './fake-autoscaling-xml.js';

const VERSION = '2011-01-01';

/** How a group starts: its bounds and how many units are already InService. */
export interface FakeGroupSeed {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  /** Units each instance counts for (instance weights); absent: a group without weights. */
  instanceWeight?: number;
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
  weight?: number;
  /** When scale-in picked it: it waits out a terminate hook (if any), then terminates for `terminateMs`. */
  terminatingAt?: number;
}

interface FakeActivity {
  id: string;
  kind: 'launch' | 'terminate' | 'failed';
  startedAt: number;
  cause: string;
  instance?: FakeInstance;
  message?: string;
}

interface FakeGroup {
  name: string;
  minSize: number;
  maxSize: number;
  desired: number;
  createdAt: number;
  instances: FakeInstance[];
  instanceWeight?: number;
  suspended: { name: string; reason: string }[];
  launchLimit?: { maxCapacity: number; message: string };
  terminateHookMs?: number;
  activities: FakeActivity[];
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
 * awsQuery protocol (form-encoded POST, XML answers) for the operations the
 * compute adapter uses: DescribeAutoScalingGroups, UpdateAutoScalingGroup and
 * DescribeScalingActivities. Instances launch Pending and are InService
 * `bootMs` later on the fake's clock; scale-in marks the newest Terminating
 * and removes them `terminateMs` later. Like AWS, an update that leaves
 * DesiredCapacity outside [MinSize, MaxSize] is a ValidationError,
 * DescribeAutoScalingGroups pages over groups with an opaque NextToken, and
 * every launch, failed launch and termination is a scaling activity, in
 * progress first and then newest first.
 *
 * Like someone at the console, a test can also: limit what the region can
 * launch (a capacity crunch: launches past it fail as Failed activities with
 * EC2's message), suspend processes (a suspended Launch launches nothing, a
 * suspended Terminate terminates nothing InService), give instances weights,
 * and add a terminate lifecycle hook nobody completes (instances wait in
 * Terminating:Wait for its heartbeat timeout).
 */
export class FakeAutoScaling {
  readonly calls: FakeAutoScalingCall[] = [];
  private readonly groups = new Map<string, FakeGroup>();
  private nextInstance = 1;
  private nextRequest = 1;
  private nextActivity = 1;
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
    const group: FakeGroup = { name: seed.name, minSize: seed.minSize, maxSize: seed.maxSize, desired: seed.desiredCapacity, createdAt: bootedAt, instances: [], suspended: [], activities: [] };
    if (seed.instanceWeight !== undefined) group.instanceWeight = seed.instanceWeight;
    this.groups.set(seed.name, group);
    this.reconcile(group, 'a user request created an AutoScalingGroup', bootedAt);
  }

  /** Let the region launch at most `maxCapacity` units into the group; launches past it fail with `message`. `undefined` lifts it. */
  setLaunchLimit(name: string, maxCapacity: number | undefined, message: string): void {
    const group = this.group(name);
    if (maxCapacity === undefined) delete group.launchLimit;
    else group.launchLimit = { maxCapacity, message };
    this.reconcile(group, 'an instance was started in response to a difference between desired and actual capacity');
  }

  /** SuspendProcesses, as the console does it. */
  suspendProcesses(name: string, processes: string[]): void {
    const group = this.group(name);
    const reason = `User suspended at ${new Date(this.options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    group.suspended = [...group.suspended.filter((p) => !processes.includes(p.name)), ...processes.map((p) => ({ name: p, reason }))];
  }

  /** ResumeProcesses, as the console does it: the group catches up with its desired capacity. */
  resumeProcesses(name: string, processes: string[]): void {
    const group = this.group(name);
    group.suspended = group.suspended.filter((p) => !processes.includes(p.name));
    this.reconcile(group, 'an instance was started in response to a difference between desired and actual capacity');
  }

  /** Units each instance launched from now on counts for; `undefined`: no weights. */
  setInstanceWeight(name: string, weight: number | undefined): void {
    const group = this.group(name);
    if (weight === undefined) delete group.instanceWeight;
    else group.instanceWeight = weight;
  }

  /** A terminate lifecycle hook nobody completes, with this heartbeat timeout; `undefined` removes it. */
  setTerminateHook(name: string, heartbeatTimeoutMs: number | undefined): void {
    const group = this.group(name);
    if (heartbeatTimeoutMs === undefined) delete group.terminateHookMs;
    else group.terminateHookMs = heartbeatTimeoutMs;
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
      const handlers: Record<string, (p: Record<string, string>) => string> = {
        DescribeAutoScalingGroups: (p) => this.describe(p),
        UpdateAutoScalingGroup: (p) => this.update(p),
        DescribeScalingActivities: (p) => this.activities(p),
      };
      const handler = handlers[action];
      if (!handler) throw new AwsQueryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
      xml = responseXml(action, handler(params), requestId);
    } catch (err) {
      if (!(err instanceof AwsQueryError)) throw err;
      status = err.status;
      xml = errorXml(err.status, err.code, err.message, requestId);
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
    const now = this.options.now();
    const xml = page.map((g) => {
      this.expire(g, now);
      return groupXml(this.options.region, { ...g, instances: g.instances.map((i) => ({ id: i.id, state: this.state(g, i, now), ...(i.weight !== undefined ? { weight: i.weight } : {}) })) });
    });
    return `<AutoScalingGroups>${xml.join('')}</AutoScalingGroups>${next}`;
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
    const at = new Date(this.options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const cause = `At ${at} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${group.desired} to ${desired}.`;
    Object.assign(group, { minSize: min, maxSize: max, desired });
    this.reconcile(group, cause);
    return '';
  }

  /** DescribeScalingActivities of one group: in progress first, then newest first, MaxRecords (default 100) per page. */
  private activities(params: Record<string, string>): string {
    const group = this.group(params['AutoScalingGroupName'] ?? '');
    const now = this.options.now();
    const views = group.activities.map((a) => this.activityView(group, a, now));
    const inProgress = (v: ActivityXmlView) => v.status !== 'Successful' && v.status !== 'Failed' && v.status !== 'Cancelled';
    views.sort((a, b) => Number(inProgress(b)) - Number(inProgress(a)) || b.startedAt - a.startedAt);
    const pageSize = params['MaxRecords'] !== undefined ? integer(params, 'MaxRecords', 1, 100) : 100;
    const start = params['NextToken'] !== undefined ? decodeToken(params['NextToken']) : 0;
    const next = start + pageSize < views.length ? `<NextToken>${encodeToken(start + pageSize)}</NextToken>` : '';
    return `<Activities>${views.slice(start, start + pageSize).map((v) => activityXml(this.options.region, v)).join('')}</Activities>${next}`;
  }

  private activityView(group: FakeGroup, a: FakeActivity, now: number): ActivityXmlView {
    const base = { id: a.id, group: group.name, cause: a.cause, startedAt: a.startedAt };
    if (a.kind === 'failed') {
      return { ...base, description: `Launching a new EC2 instance.  Status Reason: ${a.message}`, status: 'Failed', statusMessage: a.message!, endedAt: a.startedAt };
    }
    const instance = a.instance!;
    if (a.kind === 'launch') {
      const booted = instance.launchedAt + this.options.bootMs;
      return { ...base, description: `Launching a new EC2 instance: ${instance.id}`, ...(now >= booted ? { status: 'Successful', endedAt: booted } : { status: 'PreInService' }) };
    }
    const released = instance.terminatingAt! + (group.terminateHookMs ?? 0);
    const status = now < released ? 'MidLifecycleAction' : now < released + this.options.terminateMs ? 'InProgress' : 'Successful';
    return { ...base, description: `Terminating EC2 instance: ${instance.id}`, status, ...(status === 'Successful' ? { endedAt: released + this.options.terminateMs } : {}) };
  }

  /**
   * Launch or pick for termination until the live (not leaving) capacity
   * matches `desired`, as Auto Scaling does: not at all while Launch (or
   * Terminate) is suspended; a launch past the launch limit fails as an
   * activity; with weights, the capacity may end above the desired one.
   */
  private reconcile(group: FakeGroup, cause: string, at = this.options.now()): void {
    const now = this.options.now();
    this.expire(group, now);
    const suspended = new Set(group.suspended.map((p) => p.name));
    const weight = group.instanceWeight ?? 1;
    let live = liveCapacity(group);
    const short = live < group.desired;
    while (live < group.desired && !suspended.has('Launch')) {
      if (group.launchLimit && live + weight > group.launchLimit.maxCapacity) {
        group.activities.push({ id: this.activityId(), kind: 'failed', startedAt: now, cause, message: group.launchLimit.message });
        break;
      }
      const instance: FakeInstance = { id: `i-0fake${String(this.nextInstance++).padStart(12, '0')}`, launchedAt: at };
      if (group.instanceWeight !== undefined) instance.weight = weight;
      group.instances.push(instance);
      group.activities.push({ id: this.activityId(), kind: 'launch', startedAt: at, cause, instance });
      live += weight;
    }
    // An overage left by launching with weights is not a reason to terminate.
    if (!short && live > group.desired && !suspended.has('Terminate')) {
      for (const instance of group.instances.filter((i) => i.terminatingAt === undefined).reverse()) {
        if (live - (instance.weight ?? 1) < group.desired) break;
        instance.terminatingAt = now;
        group.activities.push({ id: this.activityId(), kind: 'terminate', startedAt: now, cause, instance });
        live -= instance.weight ?? 1;
      }
    }
  }

  private state(group: FakeGroup, instance: FakeInstance, now: number): string {
    if (instance.terminatingAt !== undefined) return now < instance.terminatingAt + (group.terminateHookMs ?? 0) ? 'Terminating:Wait' : 'Terminating';
    return now >= instance.launchedAt + this.options.bootMs ? 'InService' : 'Pending';
  }

  private expire(group: FakeGroup, now: number): void {
    group.instances = group.instances.filter((i) => i.terminatingAt === undefined || now < i.terminatingAt + (group.terminateHookMs ?? 0) + this.options.terminateMs);
  }

  private group(name: string): FakeGroup {
    const group = this.groups.get(name);
    if (!group) throw new AwsQueryError(400, 'ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
    return group;
  }

  private activityId(): string {
    return `6f0d8a53-0000-4000-9000-${String(this.nextActivity++).padStart(12, '0')}`;
  }
}

function liveCapacity(group: FakeGroup): number {
  return group.instances.filter((i) => i.terminatingAt === undefined).reduce((sum, i) => sum + (i.weight ?? 1), 0);
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
