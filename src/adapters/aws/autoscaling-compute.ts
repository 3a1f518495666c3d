import {
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type Instance,
  UpdateAutoScalingGroupCommand,
  type UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { PermanentError } from '../../errors/errors.js';
import type { ComputeGroupState, ComputeInstance, ComputeProvider, ComputeRef } from '../../ports/compute-provider.js';
import type { CloudClients } from './cloud-clients.js';
import { awsCall } from './aws-errors.js';

/**
 * The compute port on EC2 Auto Scaling (API version 2011-01-01): a group is
 * read with DescribeAutoScalingGroups and resized with one
 * UpdateAutoScalingGroup. Errors come out as the project's own classes
 * (see aws-errors.ts): ScalingActivityInProgress, ResourceContention and
 * Throttling are transient, ValidationError and the like are permanent.
 */
export class AutoScalingCompute implements ComputeProvider {
  constructor(private readonly clients: CloudClients) {}

  /** The group's MinSize, MaxSize, DesiredCapacity and instances; a group that does not exist is a PermanentError. */
  async describeGroup(ref: ComputeRef): Promise<ComputeGroupState> {
    return toGroupState(ref, await this.findGroup(ref));
  }

  /**
   * Set the desired capacity in one UpdateAutoScalingGroup. AWS rejects a
   * DesiredCapacity outside [MinSize, MaxSize] with ValidationError, so the
   * same call raises MaxSize when the target is above it and lowers MinSize
   * when the target is below it; a bound that is not in the way is not sent,
   * so the operator's own settings stay as they were.
   */
  async setCapacity(ref: ComputeRef, desired: number): Promise<void> {
    // AWS would answer ValidationError too, but only after a round trip and in its own words.
    if (!Number.isSafeInteger(desired) || desired < 0) {
      throw new PermanentError(`UpdateAutoScalingGroup ${where(ref)}: desired capacity must be a whole number >= 0, got ${desired}`);
    }
    const group = await this.describeGroup(ref);
    const input: UpdateAutoScalingGroupCommandInput = { AutoScalingGroupName: ref.groupName, DesiredCapacity: desired };
    if (desired > group.maxSize) input.MaxSize = desired;
    if (desired < group.minSize) input.MinSize = desired;
    const client = this.clients.autoScaling(ref.region, 'change');
    await awsCall(`UpdateAutoScalingGroup ${where(ref)}`, () => client.send(new UpdateAutoScalingGroupCommand(input)));
  }

  /**
   * DescribeAutoScalingGroups paginates over groups, not over a group's
   * instances: each group comes back whole, but a page may hold none of the
   * groups asked for and still carry a NextToken. Follow the tokens until the
   * group turns up or they run out.
   */
  private async findGroup(ref: ComputeRef): Promise<AutoScalingGroup> {
    const client = this.clients.autoScaling(ref.region);
    const operation = `DescribeAutoScalingGroups ${where(ref)}`;
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await awsCall(operation, () =>
        client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [ref.groupName], ...(token ? { NextToken: token } : {}) })),
      );
      const group = page.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === ref.groupName);
      if (group) return group;
      nextToken = page.NextToken || undefined;
      // A server that hands back a token it already gave would keep us here forever.
      if (nextToken !== undefined && seen.has(nextToken)) throw new PermanentError(`${operation}: NextToken ${nextToken} came back twice`);
      if (nextToken !== undefined) seen.add(nextToken);
    } while (nextToken !== undefined);
    throw new PermanentError(`${operation}: no Auto Scaling group named ${ref.groupName} in region ${ref.region}`);
  }
}

function where(ref: ComputeRef): string {
  return `${ref.groupName} (${ref.region})`;
}

function toGroupState(ref: ComputeRef, group: AutoScalingGroup): ComputeGroupState {
  const need = required(ref);
  return {
    ref,
    minSize: need(group.MinSize, 'MinSize'),
    maxSize: need(group.MaxSize, 'MaxSize'),
    desiredCapacity: need(group.DesiredCapacity, 'DesiredCapacity'),
    instances: (group.Instances ?? []).map((i) => toInstance(i, need)),
  };
}

function toInstance(instance: Instance, need: ReturnType<typeof required>): ComputeInstance {
  return {
    id: need(instance.InstanceId, 'Instances.member.InstanceId'),
    // Kept verbatim (Pending, Pending:Wait, InService, Terminating, Standby, Warmed:…): callers compare with AWS's own names.
    lifecycleState: need(instance.LifecycleState, 'Instances.member.LifecycleState'),
    healthStatus: toHealth(need(instance.HealthStatus, 'Instances.member.HealthStatus')),
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

/** The model marks these members required; a response without one is broken, and retrying will not mend it. */
function required(ref: ComputeRef) {
  return <T>(value: T | undefined | null, member: string): T => {
    if (value === undefined || value === null) {
      throw new PermanentError(`DescribeAutoScalingGroups ${where(ref)}: the response has no ${member}`);
    }
    return value;
  };
}
