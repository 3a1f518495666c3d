import {
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  UpdateAutoScalingGroupCommand,
  type UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { PermanentError } from '../../errors/errors.js';
import { type CapacityBounds, type ComputeGroupState, type ComputeProvider, type ComputeRef, type FailedActivity, liveCapacity } from '../../ports/compute-provider.js';
import type { CloudClients } from './cloud-clients.js';
import { awsCall } from './aws-errors.js';
import { latestFailure, toGroupState, where } from './autoscaling-group-state.js';

/**
 * Activities read to find the newest failure: AWS keeps six weeks of them,
 * newest first, one per instance launched or terminated. A page of 50
 * reaches back past any scale-out this controller makes, in one call.
 */
const ACTIVITY_PAGE = 50;

/**
 * The compute port on EC2 Auto Scaling (API version 2011-01-01): a group is
 * read with DescribeAutoScalingGroups (and, when it is short of its desired
 * capacity, DescribeScalingActivities for the reason) and resized with one
 * UpdateAutoScalingGroup. Errors come out as the project's own classes
 * (see aws-errors.ts): ScalingActivityInProgress, ResourceContention and
 * Throttling are transient, ValidationError and the like are permanent.
 */
export class AutoScalingCompute implements ComputeProvider {
  constructor(private readonly clients: CloudClients) {}

  /**
   * The group's MinSize, MaxSize, DesiredCapacity, instances (with their
   * weights) and suspended processes; when the instances launching or in
   * service hold less capacity than desired, also the newest failed scaling
   * activity. A group that does not exist is a PermanentError.
   */
  async describeGroup(ref: ComputeRef): Promise<ComputeGroupState> {
    const state = toGroupState(ref, await this.findGroup(ref));
    if (liveCapacity(state) < state.desiredCapacity) {
      const failure = await this.newestFailure(ref);
      if (failure) state.latestFailure = failure;
    }
    return state;
  }

  /**
   * Set the desired capacity (and the bounds asked for) in one
   * UpdateAutoScalingGroup. AWS rejects a DesiredCapacity outside
   * [MinSize, MaxSize] with ValidationError, so a bound not asked for is
   * moved in the same call when it is in the way; a bound that is not in the
   * way, or already has the value asked for, is not sent, so the operator's
   * own settings stay as they were.
   */
  async setCapacity(ref: ComputeRef, desired: number, bounds: CapacityBounds = {}): Promise<void> {
    const operation = `UpdateAutoScalingGroup ${where(ref)}`;
    // AWS would answer ValidationError too, but only after a round trip and in its own words.
    for (const [name, value] of [['desired capacity', desired], ['MinSize', bounds.minSize], ['MaxSize', bounds.maxSize]] as const) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new PermanentError(`${operation}: ${name} must be a whole number >= 0, got ${value}`);
    }
    const group = toGroupState(ref, await this.findGroup(ref));
    const minSize = bounds.minSize ?? Math.min(group.minSize, desired);
    const maxSize = bounds.maxSize ?? Math.max(group.maxSize, desired);
    if (minSize > maxSize || desired < minSize || desired > maxSize) {
      throw new PermanentError(`${operation}: desired capacity ${desired} must lie within MinSize ${minSize} and MaxSize ${maxSize}, MinSize no higher than MaxSize; nothing changed`);
    }
    const input: UpdateAutoScalingGroupCommandInput = { AutoScalingGroupName: ref.groupName, DesiredCapacity: desired };
    if (minSize !== group.minSize) input.MinSize = minSize;
    if (maxSize !== group.maxSize) input.MaxSize = maxSize;
    // The change client sends once (no SDK re-send): a lost answer is judged by reading the group again (src/runbook/act-once.ts).
    const client = this.clients.autoScaling(ref.region, 'change');
    await awsCall(operation, () => client.send(new UpdateAutoScalingGroupCommand(input)));
  }

  /** The newest Failed or Cancelled activity of the group's most recent ones. */
  private async newestFailure(ref: ComputeRef): Promise<FailedActivity | undefined> {
    const client = this.clients.autoScaling(ref.region);
    const page = await awsCall(`DescribeScalingActivities ${where(ref)}`, () =>
      client.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: ref.groupName, MaxRecords: ACTIVITY_PAGE })),
    );
    return latestFailure(ref, page.Activities ?? []);
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
