/** One instance of a simulated group. Plain data, so it is JSON-safe. */
export interface SimInstance {
  id: string;
  /** InService once the clock passes `launchedAt` + the boot delay. */
  launchedAt: number;
  /** Capacity units (instance weights); absent: 1. */
  weight?: number;
  /** When scale-in picked it; with a terminate hook it waits in Terminating:Wait until the hook times out, else it is gone at once. */
  leavingAt?: number;
}

/** One simulated Auto Scaling group. Plain data, so it is JSON-safe; optional fields are absent in older snapshots. */
export interface SimGroup {
  region: string;
  minSize: number;
  maxSize: number;
  desired: number;
  instances: SimInstance[];
  /** Units each newly launched instance counts for; absent: a group without instance weights. */
  instanceWeight?: number;
  /** The launch template it names; absent: `<group>-template`, null: none (a deleted template, a broken group). */
  launchTemplate?: string | null;
  /** Suspended processes, with Auto Scaling's reason. */
  suspended?: { name: string; reason: string }[];
  /** At most this many units can be launching or in service; a launch past it fails with `message`. */
  launchLimit?: { maxCapacity: number; message: string };
  /** Heartbeat timeout of a terminate lifecycle hook nobody completes. */
  terminateHookMs?: number;
  /** Failed scaling activities, oldest first (the newest few). */
  failures?: { id: string; status: string; message: string; startedAt: number }[];
}

/** Failed activities a group keeps: enough for "the newest", bounded so a long drill does not grow the snapshot. */
const KEPT_FAILURES = 20;

/**
 * How a simulated group moves toward its desired capacity, as Auto Scaling
 * does (the user guide pages cited where each rule is applied):
 * launching fills the capacity up to the desired one, possibly past it with
 * weights; scale-in terminates the newest while what stays still meets the
 * desired capacity.
 */
export class SimGroupRules {
  constructor(
    private readonly counters: { nextInstance: number; nextActivity: number },
    private readonly bootMs: () => number,
  ) {}

  /** Units launching or in service (not leaving). */
  liveCapacity(group: SimGroup): number {
    return group.instances.filter((i) => i.leavingAt === undefined).reduce((sum, i) => sum + (i.weight ?? 1), 0);
  }

  /** Auto Scaling's name for where an instance is at `now`. */
  lifecycleState(group: SimGroup, instance: SimInstance, now: number): string {
    if (instance.leavingAt !== undefined) return group.terminateHookMs ? 'Terminating:Wait' : 'Terminating';
    return now >= instance.launchedAt + this.bootMs() ? 'InService' : 'Pending';
  }

  /** Instances whose termination finished are gone: at once without a hook, after its heartbeat timeout with one. */
  expire(group: SimGroup, now: number): void {
    group.instances = group.instances.filter((i) => i.leavingAt === undefined || now < i.leavingAt + (group.terminateHookMs ?? 0));
  }

  /**
   * Launch or terminate toward the desired capacity. A suspended Launch
   * launches nothing and a suspended Terminate terminates nothing
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html);
   * a launch past the launch limit fails, once per attempt, as a Failed
   * activity. With weights the group may end above its desired capacity:
   * "current capacity will either be at the desired capacity or above it"
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-weighting.html).
   */
  reconcile(group: SimGroup, now: number, launchedAt = now): void {
    this.expire(group, now);
    const suspended = new Set((group.suspended ?? []).map((p) => p.name));
    const weight = group.instanceWeight ?? 1;
    let live = this.liveCapacity(group);
    if (live < group.desired && !suspended.has('Launch')) {
      while (live < group.desired) {
        if (group.launchLimit && live + weight > group.launchLimit.maxCapacity) {
          this.fail(group, group.launchLimit.message, now);
          break;
        }
        const instance: SimInstance = { id: `i-sim${String(this.counters.nextInstance++).padStart(8, '0')}`, launchedAt };
        if (group.instanceWeight !== undefined) instance.weight = weight;
        group.instances.push(instance);
        live += weight;
      }
      // Above the desired capacity by less than one instance is where launching with weights may end: not a reason to terminate.
    } else if (live > group.desired && !suspended.has('Terminate')) {
      for (const instance of group.instances.filter((i) => i.leavingAt === undefined).reverse()) {
        if (live - (instance.weight ?? 1) < group.desired) break;
        instance.leavingAt = now;
        live -= instance.weight ?? 1;
      }
      this.expire(group, now);
    }
  }

  private fail(group: SimGroup, message: string, now: number): void {
    const id = `00000000-0000-4000-a000-${String(this.counters.nextActivity++).padStart(12, '0')}`;
    group.failures = [...(group.failures ?? []), { id, status: 'Failed', message, startedAt: now }].slice(-KEPT_FAILURES);
  }
}
