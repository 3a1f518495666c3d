import type { RegionCompute } from '../config/types.js';
import type { ComputeGroupState } from '../ports/compute-provider.js';
import type { ReadinessCheck } from './world-report.js';

/**
 * Could the Auto Scaling group of `region` reach active capacity now: it
 * exists, its MaxSize allows activeCapacity, it names a launch template, no
 * process that launches is suspended, and its last scaling did not fail.
 * Pure.
 */
export function computeChecks(region: string, compute: RegionCompute, group: ComputeGroupState | Error): ReadinessCheck[] {
  const name = `Auto Scaling group ${compute.autoScalingGroup}`;
  if (group instanceof Error) {
    const missing = /not found|does not exist|no such/i.test(group.message);
    return [
      {
        id: 'compute-group',
        region,
        status: missing ? 'failing' : 'warning',
        sentence: missing ? `${name} does not exist in ${region}` : `${name} could not be read: ${group.message}`,
        fix: missing ? `create it (or correct regions[].compute.autoScalingGroup for ${region})` : 'check that the controller may call autoscaling:DescribeAutoScalingGroups there',
      },
    ];
  }
  const checks: ReadinessCheck[] = [{ id: 'compute-group', region, status: 'ok', sentence: `${name} exists at ${group.desiredCapacity} of MaxSize ${group.maxSize}` }];
  if (group.maxSize < compute.activeCapacity && group.maxSize === compute.standbyMaxSize) {
    // The configured standby shape: the failover raises MaxSize with the desired capacity, as it was told to.
    checks.push({ id: 'compute-capacity', region, status: 'ok', sentence: `MaxSize ${group.maxSize} is the configured standbyMaxSize; a failover raises it to activeCapacity ${compute.activeCapacity}` });
  } else if (group.maxSize < compute.activeCapacity) {
    checks.push({
      id: 'compute-capacity',
      region,
      status: 'failing',
      // The failover raises MaxSize itself, but in the middle of an outage; a service control policy or a quota may refuse it then.
      sentence: `${name} has MaxSize ${group.maxSize}, below activeCapacity ${compute.activeCapacity}: a failover would have to raise it in the middle of an outage`,
      fix: `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${compute.autoScalingGroup} --max-size ${compute.activeCapacity} --region ${region}`,
    });
  } else {
    checks.push({ id: 'compute-capacity', region, status: 'ok', sentence: `MaxSize ${group.maxSize} allows activeCapacity ${compute.activeCapacity}` });
  }
  checks.push(launchCheck(region, name, group));
  return checks;
}

function launchCheck(region: string, name: string, group: ComputeGroupState): ReadinessCheck {
  const id = 'compute-launch';
  if (!group.launchSource) {
    return { id, region, status: 'failing', sentence: `${name} names no launch template: it cannot launch an instance`, fix: 'give the group a launch template (update-auto-scaling-group --launch-template)' };
  }
  const launch = group.suspendedProcesses.find((p) => p.name === 'Launch');
  if (launch) {
    return { id, region, status: 'failing', sentence: `${name} has Launch suspended (${launch.reason}): scaling up would launch nothing`, fix: `aws autoscaling resume-processes --auto-scaling-group-name ${group.ref.groupName} --scaling-processes Launch --region ${region}` };
  }
  if (group.latestFailure) {
    return { id, region, status: 'warning', sentence: `${name}'s last scaling activity failed: ${group.latestFailure.message}`, fix: 'fix the cause (capacity, quota, missing AMI or security group) before a failover needs it' };
  }
  return { id, region, status: 'ok', sentence: `${name} launches from ${group.launchSource}` };
}
