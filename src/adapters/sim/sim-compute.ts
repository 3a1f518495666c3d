import { PermanentError } from '../../errors/errors.js';
import type { ComputeGroupState, ComputeProvider, ComputeRef } from '../../ports/compute-provider.js';
import type { SimCloud } from './sim-cloud.js';

/** One simulated Auto Scaling group. Plain data, so it is JSON-safe. */
export interface SimGroup {
  region: string;
  minSize: number;
  maxSize: number;
  desired: number;
  /** An instance is InService once the clock passes `launchedAt` + the boot delay. */
  instances: { id: string; launchedAt: number }[];
}

/** Everything a SimCompute holds, JSON-safe, including the counter that names the next instance. */
export interface SimComputeSnapshot {
  groups: (SimGroup & { name: string })[];
  nextInstance: number;
}

/**
 * Simulated Auto Scaling: instances launch as Pending and become InService
 * after the boot delay; scaling in terminates the newest first; MinSize and
 * MaxSize move out of the way of the desired capacity, as the runbooks ask.
 */
export class SimCompute implements ComputeProvider {
  private readonly groups = new Map<string, SimGroup>();
  private nextInstance = 1;

  constructor(private readonly cloud: SimCloud) {}

  /** Create a group with `capacity` instances already InService (for seeding the world). */
  seed(ref: ComputeRef, capacity: number, maxSize: number): void {
    const group: SimGroup = { region: ref.region, minSize: capacity, maxSize: Math.max(maxSize, capacity), desired: 0, instances: [] };
    this.groups.set(ref.groupName, group);
    this.resize(group, capacity, this.cloud.clock.now() - this.cloud.delays.instanceBootMs);
  }

  async describeGroup(ref: ComputeRef): Promise<ComputeGroupState> {
    return this.cloud.call('autoscaling', 'DescribeAutoScalingGroups', ref.region, ref.groupName, () => {
      const group = this.require(ref);
      const now = this.cloud.clock.now();
      return {
        ref,
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredCapacity: group.desired,
        instances: group.instances.map((i) => ({
          id: i.id,
          lifecycleState: now >= i.launchedAt + this.cloud.delays.instanceBootMs ? 'InService' : 'Pending',
          healthStatus: 'Healthy' as const,
        })),
      };
    });
  }

  async setCapacity(ref: ComputeRef, desired: number): Promise<void> {
    return this.cloud.call('autoscaling', 'UpdateAutoScalingGroup', ref.region, ref.groupName, () => {
      const group = this.require(ref);
      group.maxSize = Math.max(group.maxSize, desired);
      group.minSize = Math.min(group.minSize, desired);
      this.resize(group, desired, this.cloud.clock.now());
    });
  }

  /** A deep copy of every group and the instance counter. */
  snapshot(): SimComputeSnapshot {
    return { groups: [...this.groups].map(([name, group]) => ({ name, ...structuredClone(group) })), nextInstance: this.nextInstance };
  }

  /** Replace every group with those of a snapshot; instance ids continue from its counter, never reused. */
  restore(snapshot: SimComputeSnapshot): void {
    this.groups.clear();
    for (const { name, ...group } of snapshot.groups) this.groups.set(name, structuredClone(group));
    this.nextInstance = snapshot.nextInstance;
  }

  private resize(group: SimGroup, desired: number, launchedAt: number): void {
    group.desired = desired;
    while (group.instances.length > desired) group.instances.pop();
    while (group.instances.length < desired) group.instances.push({ id: `i-sim${String(this.nextInstance++).padStart(8, '0')}`, launchedAt });
  }

  private require(ref: ComputeRef): SimGroup {
    const group = this.groups.get(ref.groupName);
    if (!group || group.region !== ref.region) throw new PermanentError(`ValidationError: AutoScalingGroup name not found - ${ref.groupName} in ${ref.region}`);
    return group;
  }
}
