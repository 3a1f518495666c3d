/** An Auto Scaling group in a region. */
export interface ComputeRef {
  region: string;
  groupName: string;
}

/** One instance of a group, with the lifecycle and health Auto Scaling reports. */
export interface ComputeInstance {
  id: string;
  /** Auto Scaling's own name, verbatim: Pending, Pending:Wait, InService, Terminating:Wait, Standby, … */
  lifecycleState: string;
  healthStatus: 'Healthy' | 'Unhealthy';
  /**
   * The capacity units this instance counts for toward the desired capacity:
   * its WeightedCapacity in a group with instance weights, 1 otherwise
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-weighting.html:
   * "the size of the Auto Scaling group is measured in capacity units, and not in instances").
   */
  weight: number;
}

/**
 * A process suspended on a group (Launch, Terminate, AZRebalance, …), with
 * Auto Scaling's reason ("User suspended at …", or an administrative
 * suspension after a day of failed launches).
 */
export interface SuspendedProcess {
  name: string;
  reason: string;
}

/**
 * A scaling activity that did not succeed (StatusCode Failed or Cancelled).
 * Launch failures (no capacity in the zone, a vCPU quota, a missing AMI or
 * security group) show nowhere else: DescribeScalingActivities is where the
 * Auto Scaling troubleshooting guide sends you
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/CHAP_Troubleshooting.html).
 */
export interface FailedActivity {
  id: string;
  /** Failed or Cancelled. */
  status: string;
  /** Why, in AWS's words: the StatusMessage (or, without one, the Description). */
  message: string;
  /** When the activity started, ms since the epoch. */
  startedAt: number;
}

/** The group's capacity settings and instances. */
export interface ComputeGroupState {
  ref: ComputeRef;
  /** In capacity units, like the desired capacity and MaxSize (instances unless the group has instance weights). */
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: ComputeInstance[];
  /** Processes suspended on the group; a suspended Launch launches nothing, a suspended Terminate terminates nothing InService. */
  suspendedProcesses: SuspendedProcess[];
  /**
   * What the group launches instances from: `launch-template:<name or id>@<version>`,
   * `mixed-instances:<name or id>@<version>` or `launch-configuration:<name>`.
   * Absent when the group names none (it could not launch anything).
   */
  launchSource?: string;
  /**
   * Only when the group holds less capacity than desired (counting instances
   * that are launching or in service): the newest failed scaling activity among
   * its recent ones, which says why (absent when none failed). Read only then,
   * because it costs a second call.
   */
  latestFailure?: FailedActivity;
}

/** MinSize and MaxSize to set along with a desired capacity. */
export interface CapacityBounds {
  minSize?: number;
  maxSize?: number;
}

/** The compute port (Auto Scaling or the simulation). */
export interface ComputeProvider {
  describeGroup(ref: ComputeRef): Promise<ComputeGroupState>;
  /**
   * Set the desired capacity in one update. A bound given in `bounds` is set
   * as given; a bound not given moves only when it is in the way (MaxSize
   * raised to a desired capacity above it, MinSize lowered to one below it).
   * A desired capacity outside the bounds that result, or a MinSize above the
   * MaxSize, is a PermanentError and changes nothing.
   */
  setCapacity(ref: ComputeRef, desired: number, bounds?: CapacityBounds): Promise<void>;
}

/** Lifecycle states of instances on their way out of the group: they no longer count toward its capacity. */
const LEAVING = /^(Terminating|Terminated|Detaching|Detached)/;

/**
 * Lifecycle states that count toward the group's capacity: launching or in
 * service. Standby and warm-pool instances do not (Auto Scaling launches
 * replacements for them), nor do instances leaving.
 */
const COUNTED = /^(Pending|InService)/;

/** Whether an instance is on its way out (Terminating, Terminating:Wait, Detaching, …). */
export function isLeaving(instance: ComputeInstance): boolean {
  return LEAVING.test(instance.lifecycleState);
}

/** Instances that count as serving: InService and Healthy. */
export function serving(group: ComputeGroupState): number {
  return group.instances.filter(isServing).length;
}

/** The capacity units serving: the weights of the InService and Healthy instances. */
export function servingCapacity(group: ComputeGroupState): number {
  return sumWeights(group.instances.filter(isServing));
}

/** The capacity units launching or in service: what Auto Scaling counts against the desired capacity. */
export function liveCapacity(group: ComputeGroupState): number {
  return sumWeights(group.instances.filter((i) => COUNTED.test(i.lifecycleState)));
}

function isServing(instance: ComputeInstance): boolean {
  return instance.lifecycleState === 'InService' && instance.healthStatus === 'Healthy';
}

function sumWeights(instances: ComputeInstance[]): number {
  return instances.reduce((sum, i) => sum + i.weight, 0);
}
