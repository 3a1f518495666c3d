import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../../src/adapters/aws/aws-clients.js';
import { AutoScalingCompute } from '../../../../src/adapters/aws/autoscaling-compute.js';
import { PermanentError, TransientError } from '../../../../src/errors/errors.js';
import { serving } from '../../../../src/ports/compute-provider.js';

const REGION = 'eu-west-1';
const REF = { region: REGION, groupName: 'shop-web-euw1' };
const XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

interface Sent {
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** Answer the next request to a region's Auto Scaling endpoint, recording what was sent. */
function answer(status: number, xml: string, region = REGION): Sent[] {
  const sent: Sent[] = [];
  nock(`https://autoscaling.${region}.amazonaws.com`)
    .post('/')
    .reply(function (_uri, body) {
      sent.push({ params: Object.fromEntries(new URLSearchParams(body as string)), headers: this.req.headers });
      return [status, `<?xml version="1.0"?>\n${xml}`, { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-1' }];
    });
  return sent;
}

interface GroupXml {
  name: string;
  min: number;
  max: number;
  desired: number;
  /** `weight`: the instance's WeightedCapacity, present only in groups with instance weights. */
  instances?: { id: string; state: string; health: string; weight?: string }[];
  suspended?: { name: string; reason: string }[];
}

function groupXml(g: GroupXml): string {
  const instances = (g.instances ?? [])
    .map(
      (i) =>
        `<member><InstanceId>${i.id}</InstanceId><InstanceType>t3.micro</InstanceType><AvailabilityZone>${REGION}a</AvailabilityZone>` +
        `<LifecycleState>${i.state}</LifecycleState><HealthStatus>${i.health}</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn>` +
        (i.weight !== undefined ? `<WeightedCapacity>${i.weight}</WeightedCapacity>` : '') +
        `</member>`,
    )
    .join('');
  const suspended = (g.suspended ?? []).map((p) => `<member><ProcessName>${p.name}</ProcessName><SuspensionReason>${p.reason}</SuspensionReason></member>`).join('');
  return (
    `<member><AutoScalingGroupName>${g.name}</AutoScalingGroupName>` +
    `<AutoScalingGroupARN>arn:aws:autoscaling:${REGION}:123456789012:autoScalingGroup:6f0d8a53-0000-4000-8000-000000000001:autoScalingGroupName/${g.name}</AutoScalingGroupARN>` +
    `<MinSize>${g.min}</MinSize><MaxSize>${g.max}</MaxSize><DesiredCapacity>${g.desired}</DesiredCapacity><DefaultCooldown>300</DefaultCooldown>` +
    `<AvailabilityZones><member>${REGION}a</member><member>${REGION}b</member></AvailabilityZones><HealthCheckType>ELB</HealthCheckType>` +
    `<HealthCheckGracePeriod>300</HealthCheckGracePeriod><CreatedTime>2026-03-01T09:00:00.000Z</CreatedTime>` +
    `<Instances>${instances}</Instances><SuspendedProcesses>${suspended}</SuspendedProcesses><TerminationPolicies><member>Default</member></TerminationPolicies>` +
    `<NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn></member>`
  );
}

function describeXml(groups: GroupXml[], nextToken?: string): string {
  return (
    `<DescribeAutoScalingGroupsResponse xmlns="${XMLNS}"><DescribeAutoScalingGroupsResult>` +
    `<AutoScalingGroups>${groups.map(groupXml).join('')}</AutoScalingGroups>` +
    (nextToken ? `<NextToken>${nextToken}</NextToken>` : '') +
    `</DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>3c8a2b1e-0000-4000-8000-000000000001</RequestId></ResponseMetadata>` +
    `</DescribeAutoScalingGroupsResponse>`
  );
}

const NO_ACTIVITIES =
  `<DescribeScalingActivitiesResponse xmlns="${XMLNS}"><DescribeScalingActivitiesResult><Activities/></DescribeScalingActivitiesResult>` +
  `<ResponseMetadata><RequestId>3c8a2b1e-0000-4000-8000-000000000003</RequestId></ResponseMetadata></DescribeScalingActivitiesResponse>`;

const UPDATE_OK =
  `<UpdateAutoScalingGroupResponse xmlns="${XMLNS}"><ResponseMetadata><RequestId>3c8a2b1e-0000-4000-8000-000000000002</RequestId></ResponseMetadata>` +
  `</UpdateAutoScalingGroupResponse>`;

function errorXml(code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>3c8a2b1e-0000-4000-8000-0000000000ee</RequestId></ErrorResponse>`
  );
}

const DESCRIBE_PARAMS = { Action: 'DescribeAutoScalingGroups', Version: '2011-01-01', 'AutoScalingGroupNames.member.1': REF.groupName };
const GROUP: GroupXml = { name: REF.groupName, min: 1, max: 2, desired: 1, instances: [{ id: 'i-0aaa', state: 'InService', health: 'Healthy' }] };

let clients: AwsClients;
let compute: AutoScalingCompute;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

beforeEach(() => {
  clients = new AwsClients({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  compute = new AutoScalingCompute(clients);
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  clients.destroy();
  expect(pending, 'every expected request was made').toEqual([]);
});

describe('describeGroup', () => {
  it('asks the region for exactly that group, as a signed form POST', async () => {
    const sent = answer(200, describeXml([GROUP]));
    await compute.describeGroup(REF);

    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toEqual(DESCRIBE_PARAMS);
    expect(sent[0]?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(sent[0]?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/autoscaling\/aws4_request/);
  });

  it('goes to the endpoint of the group’s own region', async () => {
    const sent = answer(200, describeXml([{ ...GROUP, name: 'shop-web-use1' }]), 'us-east-1');
    await compute.describeGroup({ region: 'us-east-1', groupName: 'shop-web-use1' });
    expect(sent[0]?.params['AutoScalingGroupNames.member.1']).toBe('shop-web-use1');
  });

  it('maps bounds, desired capacity and every instance with its lifecycle state and health', async () => {
    const instances = [
      { id: 'i-01', state: 'Pending', health: 'Healthy' },
      { id: 'i-02', state: 'Pending:Wait', health: 'Healthy' },
      { id: 'i-03', state: 'InService', health: 'Healthy' },
      { id: 'i-04', state: 'InService', health: 'Unhealthy' },
      { id: 'i-05', state: 'Terminating', health: 'Unhealthy' },
      { id: 'i-06', state: 'Terminating:Wait', health: 'Healthy' },
      { id: 'i-07', state: 'EnteringStandby', health: 'Healthy' },
      { id: 'i-08', state: 'Standby', health: 'Healthy' },
      { id: 'i-09', state: 'Detaching', health: 'Healthy' },
      { id: 'i-10', state: 'Warmed:Running', health: 'Healthy' },
    ];
    answer(200, describeXml([{ name: REF.groupName, min: 2, max: 12, desired: 6, instances }]));
    // Four of six launching or in service: the group is short, so its activities are read for the reason (none failed here).
    answer(200, NO_ACTIVITIES);

    const group = await compute.describeGroup(REF);
    expect(group).toEqual({
      ref: REF,
      minSize: 2,
      maxSize: 12,
      desiredCapacity: 6,
      instances: instances.map((i) => ({ id: i.id, lifecycleState: i.state, healthStatus: i.health, weight: 1 })),
      suspendedProcesses: [],
    });
    expect(serving(group)).toBe(1);
  });

  it('reads HEALTHY in any case as Healthy, and any other health as Unhealthy', async () => {
    answer(
      200,
      describeXml([
        {
          ...GROUP,
          instances: [
            { id: 'i-01', state: 'InService', health: 'HEALTHY' },
            { id: 'i-02', state: 'InService', health: 'Impaired' },
          ],
        },
      ]),
    );
    const group = await compute.describeGroup(REF);
    expect(group.instances.map((i) => i.healthStatus)).toEqual(['Healthy', 'Unhealthy']);
  });

  it('maps a group without instances to an empty list', async () => {
    answer(200, describeXml([{ name: REF.groupName, min: 0, max: 4, desired: 0 }]));
    expect(await compute.describeGroup(REF)).toEqual({ ref: REF, minSize: 0, maxSize: 4, desiredCapacity: 0, instances: [], suspendedProcesses: [] });
  });

  it('follows NextToken across pages until the group turns up', async () => {
    const first = answer(200, describeXml([], 'page-2-token'));
    const second = answer(200, describeXml([GROUP]));

    const group = await compute.describeGroup(REF);
    expect(first[0]?.params).toEqual(DESCRIBE_PARAMS);
    expect(second[0]?.params).toEqual({ ...DESCRIBE_PARAMS, NextToken: 'page-2-token' });
    expect(group.instances.map((i) => i.id)).toEqual(['i-0aaa']);
  });

  it('skips other groups on a page and stops at the first page that holds its group', async () => {
    answer(200, describeXml([{ ...GROUP, name: 'someone-else' }], 'tok-2'));
    answer(200, describeXml([GROUP], 'tok-3'));
    expect((await compute.describeGroup(REF)).desiredCapacity).toBe(1);
  });

  it('reports a group that no page holds as a PermanentError naming group and region', async () => {
    answer(200, describeXml([], 'tok-2'));
    answer(200, describeXml([]));
    const err = await compute.describeGroup(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain(REF.groupName);
    expect((err as Error).message).toContain(REGION);
  });

  it('stops with a PermanentError when the server repeats a NextToken', async () => {
    answer(200, describeXml([], 'same'));
    answer(200, describeXml([], 'same'));
    await expect(compute.describeGroup(REF)).rejects.toThrow(PermanentError);
  });

  it('treats Throttling as transient', async () => {
    answer(400, errorXml('Throttling', 'Rate exceeded'));
    const err = await compute.describeGroup(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toMatch(/DescribeAutoScalingGroups shop-web-euw1 \(eu-west-1\): Throttling: Rate exceeded/);
  });

  it('treats ResourceContention as transient', async () => {
    answer(500, errorXml('ResourceContention', 'You already have a pending update to an Auto Scaling resource.', 'Receiver'));
    await expect(compute.describeGroup(REF)).rejects.toThrow(TransientError);
  });

  it('treats a malformed response (no MinSize) as permanent', async () => {
    answer(200, describeXml([GROUP]).replace('<MinSize>1</MinSize>', ''));
    await expect(compute.describeGroup(REF)).rejects.toThrow(/no MinSize/);
  });
});

describe('setCapacity', () => {
  const UPDATE = { Action: 'UpdateAutoScalingGroup', Version: '2011-01-01', AutoScalingGroupName: REF.groupName };

  it('sends only DesiredCapacity when it lies within [MinSize, MaxSize]', async () => {
    const describe = answer(200, describeXml([{ ...GROUP, min: 1, max: 4 }]));
    const update = answer(200, UPDATE_OK);
    await compute.setCapacity(REF, 3);
    expect(describe[0]?.params).toEqual(DESCRIBE_PARAMS);
    expect(update[0]?.params).toEqual({ ...UPDATE, DesiredCapacity: '3' });
  });

  it('raises MaxSize in the same call when the desired capacity is above it', async () => {
    answer(200, describeXml([{ ...GROUP, min: 1, max: 2 }]));
    const update = answer(200, UPDATE_OK);
    await compute.setCapacity(REF, 6);
    expect(update[0]?.params).toEqual({ ...UPDATE, DesiredCapacity: '6', MaxSize: '6' });
  });

  it('lowers MinSize in the same call when the desired capacity is below it', async () => {
    answer(200, describeXml([{ ...GROUP, min: 2, max: 6, desired: 4 }]));
    const update = answer(200, UPDATE_OK);
    await compute.setCapacity(REF, 0);
    expect(update[0]?.params).toEqual({ ...UPDATE, DesiredCapacity: '0', MinSize: '0' });
  });

  it('sends neither bound when the desired capacity equals one of them', async () => {
    answer(200, describeXml([{ ...GROUP, min: 2, max: 2, desired: 2 }]));
    const update = answer(200, UPDATE_OK);
    await compute.setCapacity(REF, 2);
    expect(update[0]?.params).toEqual({ ...UPDATE, DesiredCapacity: '2' });
  });

  it('treats ScalingActivityInProgress as transient', async () => {
    answer(200, describeXml([GROUP]));
    answer(400, errorXml('ScalingActivityInProgress', 'Scaling activity 0f5a… is in progress and blocks this action.'));
    const err = await compute.setCapacity(REF, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toContain('UpdateAutoScalingGroup shop-web-euw1 (eu-west-1)');
    expect((err as Error).message).toContain('ScalingActivityInProgress');
  });

  it('treats ResourceContention as transient', async () => {
    answer(200, describeXml([GROUP]));
    answer(500, errorXml('ResourceContention', 'You already have a pending update to an Auto Scaling resource.', 'Receiver'));
    await expect(compute.setCapacity(REF, 2)).rejects.toThrow(TransientError);
  });

  it('treats Throttling as transient', async () => {
    answer(200, describeXml([GROUP]));
    answer(400, errorXml('Throttling', 'Rate exceeded'));
    await expect(compute.setCapacity(REF, 2)).rejects.toThrow(TransientError);
  });

  it('treats ValidationError as permanent and keeps AWS’s words', async () => {
    answer(200, describeXml([GROUP]));
    answer(400, errorXml('ValidationError', 'Desired capacity:2 must be between the specified min size:3 and max size:4'));
    const err = await compute.setCapacity(REF, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('ValidationError: Desired capacity:2 must be between the specified min size:3 and max size:4');
  });

  it('does not update a group that does not exist', async () => {
    answer(200, describeXml([]));
    const err = await compute.setCapacity(REF, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain(`no Auto Scaling group named ${REF.groupName} in region ${REGION}`);
  });

  it('sets MinSize and MaxSize as asked, in the same call, sending only the bounds that change', async () => {
    answer(200, describeXml([{ ...GROUP, min: 1, max: 4, desired: 1 }]));
    const update = answer(200, UPDATE_OK);
    await compute.setCapacity(REF, 10, { minSize: 10, maxSize: 4 + 6 });
    expect(update[0]?.params).toEqual({ ...UPDATE, DesiredCapacity: '10', MinSize: '10', MaxSize: '10' });

    answer(200, describeXml([{ ...GROUP, min: 10, max: 12, desired: 10 }]));
    const back = answer(200, UPDATE_OK);
    await compute.setCapacity(REF, 1, { minSize: 1, maxSize: 12 });
    expect(back[0]?.params).toEqual({ ...UPDATE, DesiredCapacity: '1', MinSize: '1' });
  });

  it('refuses bounds that do not hold the desired capacity, and changes nothing', async () => {
    answer(200, describeXml([{ ...GROUP, min: 1, max: 4 }]));
    const err = await compute.setCapacity(REF, 6, { minSize: 1, maxSize: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('desired capacity 6 must lie within MinSize 1 and MaxSize 4');
    await expect(compute.setCapacity(REF, 2, { minSize: -1 })).rejects.toThrow(/MinSize must be a whole number/);
  });

  it.each([-1, 1.5, Number.NaN])('rejects desired capacity %s without calling AWS', async (desired) => {
    await expect(compute.setCapacity(REF, desired)).rejects.toThrow(PermanentError);
  });
});
