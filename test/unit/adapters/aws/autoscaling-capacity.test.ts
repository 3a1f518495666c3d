import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { AutoScalingCompute } from '../../../../src/adapters/aws/autoscaling-compute.js';
import { PermanentError } from '../../../../src/errors/errors.js';
import { liveCapacity, servingCapacity } from '../../../../src/ports/compute-provider.js';
import { actOnce } from '../../../../src/runbook/act-once.js';
import { StepTimeoutError } from '../../../../src/runbook/engine.js';
import { scaleCompute } from '../../../../src/runbook/steps/scale-compute.js';
import { type ActivityShape, type AsgShape, AwsNock, describeAutoScalingGroupsResult, describeScalingActivitiesResult } from '../../../support/aws-nock.js';
import { computeApp, computeContext, definitionOf, TO } from '../../../support/compute-step.js';
import { ManualClock } from '../../../support/manual-clock.js';

/**
 * The reasons a group is short of capacity, as real Auto Scaling reports
 * them on the wire (awsQuery XML): launch failures only in
 * DescribeScalingActivities (StatusCode Failed, the cause in StatusMessage;
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/CHAP_Troubleshooting.html),
 * suspended processes in the group's SuspendedProcesses
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html),
 * capacity in units of each instance's WeightedCapacity
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-weighting.html),
 * and instances a terminate lifecycle hook holds in Terminating:Wait
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html).
 */

const GROUP = `shop-web-${TO}`;
const REF = { region: TO, groupName: GROUP };
const NOW = Date.parse('2026-11-24T12:05:00Z');

const ICE_MESSAGE =
  'We currently do not have sufficient m5.xlarge capacity in the Availability Zone you requested (eu-west-1a). Our system will be working on provisioning additional capacity. ' +
  'You can currently get m5.xlarge capacity by not specifying an Availability Zone in your request or choosing eu-west-1b, eu-west-1c. Launching EC2 instance failed.';
const VCPU_MESSAGE =
  'You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to. ' +
  'Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit. Launching EC2 instance failed.';
const UPDATE_CAUSE = 'At 2026-11-24T12:03:00Z a user request update of AutoScalingGroup constraints to min: 10, max: 12, desired: 10 changing the desired capacity from 1 to 10.';

/** The group's activities as AWS orders them: in progress first, then newest first. */
const ACTIVITIES: ActivityShape[] = [
  { region: TO, group: GROUP, id: 'a-0004', status: 'PreInService', description: 'Launching a new EC2 instance: i-0c', cause: UPDATE_CAUSE, start: '2026-11-24T12:04:00.120Z' },
  {
    region: TO,
    group: GROUP,
    id: 'a-0003',
    status: 'Failed',
    description: `Launching a new EC2 instance.  Status Reason: ${ICE_MESSAGE}`,
    cause: `${UPDATE_CAUSE}  At 2026-11-24T12:03:27Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 8 to 10.`,
    start: '2026-11-24T12:03:30.094Z',
    end: '2026-11-24T12:03:30Z',
    statusMessage: ICE_MESSAGE,
  },
  { region: TO, group: GROUP, id: 'a-0002', status: 'Successful', description: 'Launching a new EC2 instance: i-0b', cause: UPDATE_CAUSE, start: '2026-11-24T12:03:05.500Z', end: '2026-11-24T12:03:50Z' },
  {
    region: TO,
    group: GROUP,
    id: 'a-0001',
    status: 'Failed',
    description: `Launching a new EC2 instance.  Status Reason: ${VCPU_MESSAGE}`,
    cause: 'At 2026-11-23T08:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 1.',
    start: '2026-11-23T08:00:02.000Z',
    end: '2026-11-23T08:00:02Z',
    statusMessage: VCPU_MESSAGE,
  },
];

/** Ten units wanted, weights 4 and 2: six serving, two launching, two leaving (held by a terminate hook). */
const SHORT: AsgShape = {
  region: TO,
  name: GROUP,
  min: 10,
  max: 12,
  desired: 10,
  instances: [
    { id: 'i-0a', state: 'InService', weight: 4 },
    { id: 'i-0b', state: 'InService', weight: 2 },
    { id: 'i-0c', state: 'Pending', weight: 2 },
    { id: 'i-0d', state: 'Terminating:Wait', weight: 2 },
  ],
  suspended: [{ name: 'AZRebalance', reason: 'User suspended at 2026-11-20T08:00:00Z' }],
};

let aws: AwsNock;
let clients: AwsClients;
let compute: AutoScalingCompute;
let clock: ManualClock;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

beforeEach(() => {
  aws = new AwsNock();
  clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  compute = new AutoScalingCompute(clients);
  clock = new ManualClock(NOW);
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  clients.destroy();
  expect(pending, 'every scripted answer was asked for').toEqual([]);
});

describe('AutoScalingCompute: why a group is short of capacity', () => {
  it('reads weights, Terminating:Wait, suspended processes and the newest Failed activity with its StatusMessage', async () => {
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(SHORT));
    aws.autoScalingOk(TO, 'DescribeScalingActivities', describeScalingActivitiesResult(...ACTIVITIES));

    const group = await compute.describeGroup(REF);

    expect(group.instances.map((i) => [i.id, i.lifecycleState, i.weight])).toEqual([
      ['i-0a', 'InService', 4],
      ['i-0b', 'InService', 2],
      ['i-0c', 'Pending', 2],
      ['i-0d', 'Terminating:Wait', 2],
    ]);
    // Capacity in units: the leaving instance no longer counts, the launching one does.
    expect(servingCapacity(group)).toBe(6);
    expect(liveCapacity(group)).toBe(8);
    expect(group.suspendedProcesses).toEqual([{ name: 'AZRebalance', reason: 'User suspended at 2026-11-20T08:00:00Z' }]);
    // The newest failure (not yesterday's quota failure, not the launch in progress), in AWS's words.
    expect(group.latestFailure).toEqual({ id: 'a-0003', status: 'Failed', message: ICE_MESSAGE, startedAt: Date.parse('2026-11-24T12:03:30.094Z') });
    expect(aws.autoScaling.map((c) => c.params)).toEqual([
      { Action: 'DescribeAutoScalingGroups', Version: '2011-01-01', 'AutoScalingGroupNames.member.1': GROUP },
      { Action: 'DescribeScalingActivities', Version: '2011-01-01', AutoScalingGroupName: GROUP, MaxRecords: '50' },
    ]);
  });

  it('takes a Cancelled activity (an abandoned lifecycle action) as a failure, and the Description when there is no StatusMessage', async () => {
    const abandoned = "Instance failed to complete user's Lifecycle Action: Lifecycle Action with token e85eb647-4fe0-4909-b341-a6c42d8aba1f was abandoned: Lifecycle Action Completed with ABANDON Result";
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult({ ...SHORT, instances: [], suspended: [] }));
    aws.autoScalingOk(
      TO,
      'DescribeScalingActivities',
      describeScalingActivitiesResult({ region: TO, group: GROUP, id: 'a-0009', status: 'Cancelled', description: `Launching a new EC2 instance: i-0e.  Status Reason: ${abandoned}`, cause: UPDATE_CAUSE, start: '2026-11-24T12:04:10.000Z' }),
    );
    const group = await compute.describeGroup(REF);
    expect(group.latestFailure).toMatchObject({ status: 'Cancelled', message: `Launching a new EC2 instance: i-0e.  Status Reason: ${abandoned}` });
  });

  it('does not read activities while the group holds its desired capacity (instances leaving do not count)', async () => {
    aws.autoScalingOk(
      TO,
      'DescribeAutoScalingGroups',
      describeAutoScalingGroupsResult({ ...SHORT, desired: 4, min: 1, instances: [{ id: 'i-0a', state: 'InService', weight: 4 }, { id: 'i-0d', state: 'Terminating:Wait', weight: 2 }] }),
    );
    const group = await compute.describeGroup(REF);
    expect(group.latestFailure).toBeUndefined();
    expect(aws.autoScaling.map((c) => c.params['Action'])).toEqual(['DescribeAutoScalingGroups']);
  });

  it('reports a WeightedCapacity that is not a whole number as a broken answer', async () => {
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult({ ...SHORT, desired: 2, instances: [{ id: 'i-0a', state: 'InService', weight: 0 }] }));
    await expect(compute.describeGroup(REF)).rejects.toThrow(/WeightedCapacity "0"/);
  });

  it('passes on a refused DescribeScalingActivities as a PermanentError naming the call (the role needs autoscaling:DescribeScalingActivities)', async () => {
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(SHORT));
    aws.autoScalingError(TO, 'DescribeScalingActivities', 403, 'AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/runbook/fn is not authorized to perform: autoscaling:DescribeScalingActivities');
    const err = await compute.describeGroup(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/^DescribeScalingActivities shop-web-eu-west-1 \(eu-west-1\): AccessDenied: /);
  });
});

describe('scale-up-standby-compute over the AWS adapter', () => {
  const app = computeApp({ minShareBeforeDns: 0.9 });
  const up = definitionOf(scaleCompute({ id: 'scale-up-standby-compute', title: 'Scale up', side: 'to', capacity: 'active' }));
  const ctx = (startedAt = NOW) => computeContext({ app, compute, clock, stepId: 'scale-up-standby-compute', startedAt });

  it('shows the cause of a shortfall in the observation: units serving, the hook holding an instance, the failed launch', async () => {
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(SHORT));
    aws.autoScalingOk(TO, 'DescribeScalingActivities', describeScalingActivitiesResult(...ACTIVITIES));
    const seen = await up.observe(ctx());
    expect(seen).toMatchObject({ resource: `asg:${GROUP} (${TO})`, done: false, pending: true });
    expect(seen.current).toBe(
      'desired 10 (min 10, max 12), 6 units in service (2 instances), 1 leaving (1 held in Terminating:Wait by a lifecycle hook); ' +
        `latest failed scaling activity (Failed, 2026-11-24T12:03:30.094Z): ${ICE_MESSAGE}`,
    );
    expect(seen.desired).toBe('desired 10 (min 10), 10 in service; DNS may move at 9 (minShareBeforeDns 0.9)');
  });

  it('is done at 9 of 10 during a capacity crunch, and says that scaling goes on and why it is short', async () => {
    const nine = { ...SHORT, instances: Array.from({ length: 9 }, (_, i) => ({ id: `i-0${i}`, state: 'InService' })), suspended: [] };
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(nine));
    aws.autoScalingOk(TO, 'DescribeScalingActivities', describeScalingActivitiesResult(ACTIVITIES[1]!, ACTIVITIES[2]!));
    const seen = await up.observe(ctx());
    expect(seen.done).toBe(true);
    expect(seen.current).toBe(
      'desired 10 (min 10, max 12), 9 in service; enough to move DNS (9 of 10, minShareBeforeDns 0.9); Auto Scaling goes on launching the rest; ' +
        `latest failed scaling activity (Failed, 2026-11-24T12:03:30.094Z): ${ICE_MESSAGE}`,
    );
  });

  it('fails at once, changing nothing, when Launch is suspended and launches are needed', async () => {
    const standby: AsgShape = { region: TO, name: GROUP, min: 1, max: 4, desired: 1, instances: [{ id: 'i-0a', state: 'InService' }], suspended: [{ name: 'Launch', reason: 'User suspended at 2026-11-24T11:58:02Z' }] };
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby));
    const err = await up.act!(ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toBe(
      "scale-up-standby-compute: Auto Scaling's Launch process is suspended on shop-web-eu-west-1 (eu-west-1) (User suspended at 2026-11-24T11:58:02Z): it launches nothing, " +
        'so the group cannot grow from 1 to the 9 it needs in service. Resume it (aws autoscaling resume-processes --auto-scaling-group-name shop-web-eu-west-1 ' +
        '--scaling-processes Launch --region eu-west-1) and run again; nothing was changed on the group',
    );
    // The act's one read, and no UpdateAutoScalingGroup.
    expect(aws.autoScaling.map((c) => c.params['Action'])).toEqual(['DescribeAutoScalingGroups']);
  });

  it('raises desired capacity and MinSize to the active capacity in one UpdateAutoScalingGroup, and journals what it changed', async () => {
    const standby: AsgShape = { region: TO, name: GROUP, min: 1, max: 4, desired: 1, instances: [{ id: 'i-0a', state: 'InService' }] };
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby));
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby));
    aws.autoScalingOk(TO, 'UpdateAutoScalingGroup', '');
    expect(await up.act!(ctx())).toEqual({ before: 'desired 1, min 1, max 4', set: 'desired 10, min 10, max 10' });
    expect(aws.autoScaling.at(-1)?.params).toEqual({ Action: 'UpdateAutoScalingGroup', Version: '2011-01-01', AutoScalingGroupName: GROUP, DesiredCapacity: '10', MinSize: '10', MaxSize: '10' });
  });

  it('times out with the cause in the error', async () => {
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(SHORT));
    aws.autoScalingOk(TO, 'DescribeScalingActivities', describeScalingActivitiesResult(...ACTIVITIES));
    const err = await up.verify!(ctx(NOW - 15 * 60_000), undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepTimeoutError);
    expect((err as Error).message).toMatch(/^scale-up-standby-compute: goal not reached within 900 s: desired 10 \(min 10, max 12\), 6 units in service/);
    expect((err as Error).message).toContain(`latest failed scaling activity (Failed, 2026-11-24T12:03:30.094Z): ${ICE_MESSAGE}`);
  });

  it('judges a refused UpdateAutoScalingGroup by reading the group again: set and launching counts as done', async () => {
    const standby: AsgShape = { region: TO, name: GROUP, min: 1, max: 4, desired: 1, instances: [{ id: 'i-0a', state: 'InService' }] };
    const launching: AsgShape = { ...standby, min: 10, max: 10, desired: 10, instances: [{ id: 'i-0a', state: 'InService' }, ...Array.from({ length: 9 }, (_, i) => ({ id: `i-1${i}`, state: 'Pending' }))] };
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby)); // actOnce: before
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby)); // act: the group
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby)); // setCapacity: its bounds
    aws.autoScalingError(TO, 'UpdateAutoScalingGroup', 400, 'ValidationError', 'An update is already applied to AutoScalingGroup shop-web-eu-west-1');
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(launching)); // actOnce: after
    expect(await actOnce(up, ctx(), new AbortController().signal)).toEqual({ recoveredFrom: expect.stringContaining('UpdateAutoScalingGroup shop-web-eu-west-1 (eu-west-1): ValidationError') });
  });

  it('lets a refused UpdateAutoScalingGroup stand when the group shows nothing changed, or only the desired capacity', async () => {
    const standby: AsgShape = { region: TO, name: GROUP, min: 1, max: 10, desired: 1, instances: [{ id: 'i-0a', state: 'InService' }] };
    // MinSize not raised: the goal is not on its way even though instances launch.
    const halfSet: AsgShape = { ...standby, desired: 10, instances: [{ id: 'i-0a', state: 'InService' }, ...Array.from({ length: 9 }, (_, i) => ({ id: `i-1${i}`, state: 'Pending' }))] };
    for (let n = 0; n < 3; n++) aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(standby));
    aws.autoScalingError(TO, 'UpdateAutoScalingGroup', 400, 'ValidationError', 'Desired capacity:10 must be between the specified min size:10 and max size:4');
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(halfSet));
    await expect(actOnce(up, ctx(), new AbortController().signal)).rejects.toThrow(/UpdateAutoScalingGroup .*ValidationError/);
  });
});

describe('scale-down-standby-compute over the AWS adapter', () => {
  const app = computeApp({ standbyMaxSize: 4 });
  const down = definitionOf(scaleCompute({ id: 'scale-down-standby-compute', title: 'Scale down', side: 'to', capacity: 'standby' }));
  const ctx = () => computeContext({ app, compute, clock, stepId: 'scale-down-standby-compute' });

  it('counts instances held in Terminating:Wait by someone’s lifecycle hook as gone, and completes no lifecycle action', async () => {
    const draining: AsgShape = {
      region: TO,
      name: GROUP,
      min: 1,
      max: 4,
      desired: 1,
      instances: [{ id: 'i-0a', state: 'InService' }, ...['i-0b', 'i-0c', 'i-0d'].map((id) => ({ id, state: 'Terminating:Wait' }))],
    };
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(draining));
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(draining));
    const seen = await down.observe(ctx());
    expect(seen).toMatchObject({ done: true, current: 'desired 1 (min 1, max 4), 1 in service, 3 leaving (3 held in Terminating:Wait by a lifecycle hook)', desired: 'desired 1 (min 1, max 4), 1 in service, none beyond' });
    expect(await down.verify!(ctx(), undefined)).toBe(true);
    // Only reads: no CompleteLifecycleAction, no other call.
    expect(aws.autoScaling.map((c) => c.params['Action'])).toEqual(['DescribeAutoScalingGroups', 'DescribeAutoScalingGroups']);
  });

  it('restores MinSize and the configured MaxSize in the scale-down', async () => {
    const active: AsgShape = { region: TO, name: GROUP, min: 10, max: 10, desired: 10, instances: Array.from({ length: 10 }, (_, i) => ({ id: `i-0${i}`, state: 'InService' })) };
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(active));
    aws.autoScalingOk(TO, 'DescribeAutoScalingGroups', describeAutoScalingGroupsResult(active));
    aws.autoScalingOk(TO, 'UpdateAutoScalingGroup', '');
    await down.act!(ctx());
    expect(aws.autoScaling.at(-1)?.params).toEqual({ Action: 'UpdateAutoScalingGroup', Version: '2011-01-01', AutoScalingGroupName: GROUP, DesiredCapacity: '1', MinSize: '1', MaxSize: '4' });
  });
});
