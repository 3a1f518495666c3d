/** An Auto Scaling group in a region. */
export interface ComputeRef {
  region: string;
  groupName: string;
}

/** One instance of a group, with the lifecycle and health Auto Scaling reports. */
export interface ComputeInstance {
  id: string;
  lifecycleState: string;
  healthStatus: 'Healthy' | 'Unhealthy';
}

/** The group's capacity settings and instances. */
export interface ComputeGroupState {
  ref: ComputeRef;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: ComputeInstance[];
}

/** The compute port (Auto Scaling or the simulation). */
export interface ComputeProvider {
  describeGroup(ref: ComputeRef): Promise<ComputeGroupState>;
  /** Set the desired capacity, lowering MinSize or raising MaxSize when they are in the way. */
  setCapacity(ref: ComputeRef, desired: number): Promise<void>;
}

/** Instances that count as serving: InService and Healthy. */
export function serving(group: ComputeGroupState): number {
  return group.instances.filter((i) => i.lifecycleState === 'InService' && i.healthStatus === 'Healthy').length;
}
