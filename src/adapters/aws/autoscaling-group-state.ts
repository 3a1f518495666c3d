import type { Activity, AutoScalingGroup, Instance } from '@aws-sdk/client-auto-scaling';
import { PermanentError } from '../../errors/errors.js';
import type { ComputeGroupState, ComputeInstance, ComputeRef, FailedActivity } from '../../ports/compute-provider.js';

/** `shop-web-euw1 (eu-west-1)`, for error messages. */
export function where(ref: ComputeRef): string {
  return `${ref.groupName} (${ref.region})`;
}

/** A group of DescribeAutoScalingGroups as the port's ComputeGroupState (without the failure, read separately). */
export function toGroupState(ref: ComputeRef, group: AutoScalingGroup): ComputeGroupState {
  const need = required(ref, 'DescribeAutoScalingGroups');
  return {
    ref,
    minSize: need(group.MinSize, 'MinSize'),
    maxSize: need(group.MaxSize, 'MaxSize'),
    desiredCapacity: need(group.DesiredCapacity, 'DesiredCapacity'),
    instances: (group.Instances ?? []).map((i) => toInstance(ref, i, need)),
    // SuspendedProcess marks both members optional; a process without a name tells nothing.
    suspendedProcesses: (group.SuspendedProcesses ?? []).flatMap((p) => (p.ProcessName ? [{ name: p.ProcessName, reason: p.SuspensionReason ?? '' }] : [])),
    ...launchSourceOf(group),
  };
}

/**
 * Where the group launches from. A group has a LaunchTemplate, a
 * MixedInstancesPolicy with one, or a LaunchConfigurationName
 * (DescribeAutoScalingGroups, AutoScalingGroup data type); none means it
 * cannot launch.
 */
function launchSourceOf(group: AutoScalingGroup): { launchSource?: string } {
  const spec = (t: { LaunchTemplateName?: string | undefined; LaunchTemplateId?: string | undefined; Version?: string | undefined } | undefined) =>
    t && (t.LaunchTemplateName ?? t.LaunchTemplateId) ? `${t.LaunchTemplateName ?? t.LaunchTemplateId}@${t.Version ?? '$Default'}` : undefined;
  const template = spec(group.LaunchTemplate);
  if (template) return { launchSource: `launch-template:${template}` };
  const mixed = spec(group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification);
  if (mixed) return { launchSource: `mixed-instances:${mixed}` };
  return group.LaunchConfigurationName ? { launchSource: `launch-configuration:${group.LaunchConfigurationName}` } : {};
}

function toInstance(ref: ComputeRef, instance: Instance, need: ReturnType<typeof required>): ComputeInstance {
  return {
    id: need(instance.InstanceId, 'Instances.member.InstanceId'),
    // Kept verbatim (Pending, Pending:Wait, InService, Terminating:Wait, Standby, Warmed:…): callers compare with AWS's own names.
    lifecycleState: need(instance.LifecycleState, 'Instances.member.LifecycleState'),
    healthStatus: toHealth(need(instance.HealthStatus, 'Instances.member.HealthStatus')),
    weight: toWeight(ref, instance),
  };
}

/**
 * AWS documents Healthy and Unhealthy; other Auto Scaling calls spell them
 * HEALTHY/UNHEALTHY, so case is ignored. Anything else counts as Unhealthy:
 * an instance of unknown health must not count as serving.
 */
function toHealth(status: string): ComputeInstance['healthStatus'] {
  return status.toLowerCase() === 'healthy' ? 'Healthy' : 'Unhealthy';
}

/**
 * WeightedCapacity is a string of 1–999 and present only in groups with
 * instance weights; without it each instance counts for one unit
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-weighting.html).
 */
function toWeight(ref: ComputeRef, instance: Instance): number {
  const raw = instance.WeightedCapacity;
  if (raw === undefined || raw === '') return 1;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1) {
    throw new PermanentError(`DescribeAutoScalingGroups ${where(ref)}: instance ${instance.InstanceId ?? '?'} has WeightedCapacity "${raw}", not a whole number of at least 1`);
  }
  return Number(raw);
}

/**
 * The newest activity that failed, from a page of DescribeScalingActivities
 * (activities in progress first, then newest first, as the API reference
 * says). Failed and Cancelled both mean an attempt that did not happen:
 * AWS gives Cancelled to a launch whose lifecycle action was abandoned
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeScalingActivities.html).
 */
export function latestFailure(ref: ComputeRef, activities: readonly Activity[]): FailedActivity | undefined {
  const need = required(ref, 'DescribeScalingActivities');
  const failed = activities.filter((a) => a.StatusCode === 'Failed' || a.StatusCode === 'Cancelled');
  // In-progress ones come first and never fail, so the first failed one is the newest; sort anyway, it costs nothing and a page is small.
  const newest = failed.sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0))[0];
  if (!newest) return undefined;
  return {
    id: need(newest.ActivityId, 'Activities.member.ActivityId'),
    status: newest.StatusCode!,
    // StatusMessage holds the cause; the Description repeats it after "Status Reason:" and is all there is when it is missing.
    message: (newest.StatusMessage || newest.Description || '(no status message)').trim(),
    startedAt: need(newest.StartTime, 'Activities.member.StartTime').getTime(),
  };
}

/** The model marks these members required; a response without one is broken, and retrying will not mend it. */
function required(ref: ComputeRef, operation: string) {
  return <T>(value: T | undefined | null, member: string): T => {
    if (value === undefined || value === null) {
      throw new PermanentError(`${operation} ${where(ref)}: the response has no ${member}`);
    }
    return value;
  };
}
