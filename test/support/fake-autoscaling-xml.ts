/**
 * The awsQuery XML of the Auto Scaling fake (API version 2011-01-01), shaped
 * like AWS's answers: list members are <member> elements, timestamps ISO
 * 8601, WeightedCapacity a string present only in groups with weights.
 */

export const XMLNS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

/** A group as the XML needs it. */
export interface GroupXmlView {
  name: string;
  minSize: number;
  maxSize: number;
  desired: number;
  createdAt: number;
  instances: { id: string; state: string; weight?: number }[];
  suspended: { name: string; reason: string }[];
}

/** One scaling activity as DescribeScalingActivities returns it. */
export interface ActivityXmlView {
  id: string;
  group: string;
  description: string;
  cause: string;
  startedAt: number;
  endedAt?: number;
  status: string;
  statusMessage?: string;
}

/** An AutoScalingGroup member of DescribeAutoScalingGroups. */
export function groupXml(region: string, group: GroupXmlView): string {
  const instances = group.instances
    .map(
      (i) =>
        `<member><InstanceId>${i.id}</InstanceId><InstanceType>m5.large</InstanceType><AvailabilityZone>${region}a</AvailabilityZone>` +
        `<LifecycleState>${i.state}</LifecycleState><HealthStatus>Healthy</HealthStatus>` +
        `<LaunchTemplate><LaunchTemplateId>lt-0fake0000000000001</LaunchTemplateId><LaunchTemplateName>web</LaunchTemplateName><Version>1</Version></LaunchTemplate>` +
        `<ProtectedFromScaleIn>false</ProtectedFromScaleIn>` +
        (i.weight !== undefined ? `<WeightedCapacity>${i.weight}</WeightedCapacity>` : '') +
        `</member>`,
    )
    .join('');
  const suspended = group.suspended.map((p) => `<member><ProcessName>${esc(p.name)}</ProcessName><SuspensionReason>${esc(p.reason)}</SuspensionReason></member>`).join('');
  return (
    `<member><AutoScalingGroupName>${esc(group.name)}</AutoScalingGroupName>` +
    `<AutoScalingGroupARN>${groupArn(region, group.name)}</AutoScalingGroupARN>` +
    `<MinSize>${group.minSize}</MinSize><MaxSize>${group.maxSize}</MaxSize><DesiredCapacity>${group.desired}</DesiredCapacity>` +
    // Every group launches from something; AWS names the group's launch template here (AutoScalingGroup data type).
    `<LaunchTemplate><LaunchTemplateId>lt-0fake0000000000001</LaunchTemplateId><LaunchTemplateName>web</LaunchTemplateName><Version>1</Version></LaunchTemplate>` +
    `<DefaultCooldown>300</DefaultCooldown><AvailabilityZones><member>${region}a</member></AvailabilityZones>` +
    `<HealthCheckType>EC2</HealthCheckType><HealthCheckGracePeriod>300</HealthCheckGracePeriod>` +
    `<CreatedTime>${new Date(group.createdAt).toISOString()}</CreatedTime>` +
    `<Instances>${instances}</Instances><SuspendedProcesses>${suspended}</SuspendedProcesses><TerminationPolicies><member>Default</member></TerminationPolicies>` +
    `<NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn></member>`
  );
}

/** An Activity member of DescribeScalingActivities. */
export function activityXml(region: string, a: ActivityXmlView): string {
  return (
    `<member><ActivityId>${a.id}</ActivityId><AutoScalingGroupName>${esc(a.group)}</AutoScalingGroupName>` +
    `<Description>${esc(a.description)}</Description><Cause>${esc(a.cause)}</Cause>` +
    `<StartTime>${new Date(a.startedAt).toISOString()}</StartTime>` +
    (a.endedAt !== undefined ? `<EndTime>${new Date(a.endedAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}</EndTime>` : '') +
    `<StatusCode>${a.status}</StatusCode>` +
    (a.statusMessage !== undefined ? `<StatusMessage>${esc(a.statusMessage)}</StatusMessage>` : '') +
    `<Progress>100</Progress><Details>${esc(JSON.stringify({ 'Subnet ID': 'subnet-0fake0001', 'Availability Zone': `${region}a` }))}</Details>` +
    `<AutoScalingGroupARN>${groupArn(region, a.group)}</AutoScalingGroupARN></member>`
  );
}

/** A whole answer: the action's result (if any) and the response metadata. */
export function responseXml(action: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${XMLNS}">` +
    (result === '' ? '' : `<${action}Result>${result}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** An awsQuery ErrorResponse. */
export function errorXml(status: number, code: string, message: string, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function groupArn(region: string, name: string): string {
  return `arn:aws:autoscaling:${region}:123456789012:autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/${esc(name)}`;
}

/** Escape text for XML. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
