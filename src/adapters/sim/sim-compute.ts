import { PermanentError } from '../../errors/errors.js';
import type { CapacityBounds, ComputeGroupState, ComputeInstance, ComputeProvider, ComputeRef } from '../../ports/compute-provider.js';
import type { SimCloud } from './sim-cloud.js';
import { type SimGroup, SimGroupRules } from './sim-group.js';

export type { SimGroup, SimInstance } from './sim-group.js';

/** Everything a SimCompute holds, JSON-safe, including the counters that name the next instance and activity. */
export interface SimComputeSnapshot {
  groups: (SimGroup & { name: string })[];
  nextInstance: number;
  /** Absent in snapshots written before activities were simulated. */
  nextActivity?: number;
}

/**
 * Simulated Auto Scaling, with AWS's semantics (the contract suite in
 * test/contract/compute-provider.contract.ts holds it to them): instances
 * launch Pending and become InService after the boot delay; scaling in
 * terminates the newest first; a bound not asked for moves out of the way of
 * the desired capacity. And, for drills of what goes wrong: a launch limit
 * (a capacity crunch, a quota) that leaves the group short with a Failed
 * activity saying why; suspended processes (a suspended Launch launches
 * nothing); instance weights (capacity in units); a terminate lifecycle hook
 * nobody completes (instances wait in Terminating:Wait until its timeout).
 *
 * The methods that inject those (`setLaunchLimit`, `suspendProcesses`, …)
 * change the world directly, like someone acting in the console: they are
 * not API calls of the controller, so they are not in the call log, and a
 * persistent world saves them with the next call.
 */
export class SimCompute implements ComputeProvider {
  private readonly groups = new Map<string, SimGroup>();
  private readonly counters = { nextInstance: 1, nextActivity: 1 };
  private readonly rules: SimGroupRules;

  constructor(private readonly cloud: SimCloud) {
    this.rules = new SimGroupRules(this.counters, () => cloud.delays.instanceBootMs);
  }

  /**
   * Create a group with `capacity` units already InService (for seeding the
   * world), MinSize `capacity`; `instanceWeight` makes it a group with
   * instance weights, each instance counting for that many units.
   */
  seed(ref: ComputeRef, capacity: number, maxSize: number, options: { instanceWeight?: number } = {}): void {
    const group: SimGroup = { region: ref.region, minSize: capacity, maxSize: Math.max(maxSize, capacity), desired: capacity, instances: [] };
    if (options.instanceWeight !== undefined) group.instanceWeight = options.instanceWeight;
    this.groups.set(ref.groupName, group);
    this.rules.reconcile(group, this.cloud.clock.now(), this.cloud.clock.now() - this.cloud.delays.instanceBootMs);
  }

  async describeGroup(ref: ComputeRef): Promise<ComputeGroupState> {
    return this.cloud.call('autoscaling', 'DescribeAutoScalingGroups', ref.region, ref.groupName, () => {
      const group = this.require(ref);
      const now = this.cloud.clock.now();
      this.rules.expire(group, now);
      const instances: ComputeInstance[] = group.instances.map((i) => ({
        id: i.id,
        lifecycleState: this.rules.lifecycleState(group, i, now),
        healthStatus: 'Healthy' as const,
        weight: i.weight ?? 1,
      }));
      const state: ComputeGroupState = {
        ref,
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredCapacity: group.desired,
        instances,
        suspendedProcesses: (group.suspended ?? []).map((p) => ({ ...p })),
        ...(group.launchTemplate === null ? {} : { launchSource: `launch-template:${group.launchTemplate ?? `${ref.groupName}-template`}@$Default` }),
      };
      // Like the AWS adapter: the reason is looked up only when the group is short of capacity.
      const failure = group.failures?.at(-1);
      if (failure && this.rules.liveCapacity(group) < group.desired) state.latestFailure = { ...failure };
      return state;
    });
  }

  async setCapacity(ref: ComputeRef, desired: number, bounds: CapacityBounds = {}): Promise<void> {
    return this.cloud.call('autoscaling', 'UpdateAutoScalingGroup', ref.region, ref.groupName, () => {
      for (const value of [desired, bounds.minSize, bounds.maxSize]) {
        if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new PermanentError(`ValidationError: capacity values must be whole numbers >= 0, got ${value}`);
      }
      const group = this.require(ref);
      const minSize = bounds.minSize ?? Math.min(group.minSize, desired);
      const maxSize = bounds.maxSize ?? Math.max(group.maxSize, desired);
      if (minSize > maxSize) throw new PermanentError(`ValidationError: Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`);
      if (desired < minSize || desired > maxSize) {
        throw new PermanentError(`ValidationError: Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`);
      }
      Object.assign(group, { minSize, maxSize, desired });
      this.rules.reconcile(group, this.cloud.clock.now());
    });
  }

  /**
   * Let the region launch at most `maxCapacity` units into the group (a
   * capacity crunch, a vCPU quota; 0 with a message of your own: a missing
   * AMI or security group); each launch that would go past it fails, as a
   * Failed scaling activity with `message` (by default EC2's
   * InsufficientInstanceCapacity wording). `undefined` lifts the limit, and
   * the group launches what it is short of at once.
   */
  setLaunchLimit(ref: ComputeRef, maxCapacity: number | undefined, message?: string): void {
    const group = this.require(ref);
    if (maxCapacity === undefined) delete group.launchLimit;
    else group.launchLimit = { maxCapacity, message: message ?? insufficientCapacity(ref.region) };
    this.rules.reconcile(group, this.cloud.clock.now());
  }

  /** Make the group name no launch template (`null`), or name `template` (the world's fault of a deleted template). */
  setLaunchTemplate(ref: ComputeRef, template: string | null): void {
    this.require(ref).launchTemplate = template;
  }

  /** Set MaxSize as an operator's UpdateAutoScalingGroup would, desired capacity and MinSize clamped below it. */
  setMaxSize(ref: ComputeRef, maxSize: number): void {
    const group = this.require(ref);
    Object.assign(group, { maxSize, minSize: Math.min(group.minSize, maxSize), desired: Math.min(group.desired, maxSize) });
    this.rules.reconcile(group, this.cloud.clock.now());
  }

  /** Suspend processes (Launch, Terminate, …) as SuspendProcesses would, with AWS's "User suspended at …" reason. */
  suspendProcesses(ref: ComputeRef, names: string[], reason?: string): void {
    const group = this.require(ref);
    const why = reason ?? `User suspended at ${new Date(this.cloud.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    group.suspended = [...(group.suspended ?? []).filter((p) => !names.includes(p.name)), ...names.map((name) => ({ name, reason: why }))];
  }

  /** Resume processes; a resumed Launch or Terminate catches up with the desired capacity at once. */
  resumeProcesses(ref: ComputeRef, names: string[]): void {
    const group = this.require(ref);
    group.suspended = (group.suspended ?? []).filter((p) => !names.includes(p.name));
    this.rules.reconcile(group, this.cloud.clock.now());
  }

  /** Units each instance launched from now on counts for (instance weights); `undefined`: one, no weights. */
  setInstanceWeight(ref: ComputeRef, weight: number | undefined): void {
    const group = this.require(ref);
    if (weight === undefined) delete group.instanceWeight;
    else group.instanceWeight = weight;
  }

  /**
   * A terminate lifecycle hook that nobody completes: instances picked for
   * termination wait in Terminating:Wait for `heartbeatTimeoutMs` (AWS's
   * default is an hour) before they go. `undefined` removes the hook.
   */
  setTerminateHook(ref: ComputeRef, heartbeatTimeoutMs: number | undefined): void {
    const group = this.require(ref);
    if (heartbeatTimeoutMs === undefined) delete group.terminateHookMs;
    else group.terminateHookMs = heartbeatTimeoutMs;
  }

  /** A deep copy of every group and the counters. */
  snapshot(): SimComputeSnapshot {
    return { groups: [...this.groups].map(([name, group]) => ({ name, ...structuredClone(group) })), ...this.counters };
  }

  /** Replace every group with those of a snapshot; instance and activity ids continue from its counters, never reused. */
  restore(snapshot: SimComputeSnapshot): void {
    this.groups.clear();
    for (const { name, ...group } of snapshot.groups) this.groups.set(name, structuredClone(group));
    this.counters.nextInstance = snapshot.nextInstance;
    this.counters.nextActivity = snapshot.nextActivity ?? 1;
  }

  private require(ref: ComputeRef): SimGroup {
    const group = this.groups.get(ref.groupName);
    if (!group || group.region !== ref.region) throw new PermanentError(`ValidationError: AutoScalingGroup name not found - ${ref.groupName} in ${ref.region}`);
    return group;
  }
}

/** EC2's answer when a zone has no capacity of the type asked for, as scaling activities show it. */
function insufficientCapacity(region: string): string {
  return (
    `We currently do not have sufficient m5.large capacity in the Availability Zone you requested (${region}a). ` +
    `Our system will be working on provisioning additional capacity. You can currently get m5.large capacity by not specifying an Availability Zone in your request or choosing ${region}b, ${region}c. ` +
    'Launching EC2 instance failed.'
  );
}
