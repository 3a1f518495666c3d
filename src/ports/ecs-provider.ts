/** An ECS service in a region. */
export interface EcsServiceRef {
  region: string;
  /** Cluster name or ARN. */
  cluster: string;
  /** Service name or ARN. */
  service: string;
}

/**
 * What ECS says of a service now (DescribeServices). Steady state is the
 * `services-stable` waiter's condition: one deployment, and as many tasks
 * running as desired
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
 */
export interface EcsServiceState {
  ref: EcsServiceRef;
  /** ACTIVE, DRAINING or INACTIVE; a missing service is an error, not a state. */
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** How many deployments the service has (more than one: a rollout in progress). */
  deployments: number;
  /** The primary deployment's rolloutState (COMPLETED, IN_PROGRESS, FAILED), when ECS reports one. */
  rolloutState?: string;
  /** The newest service event's message, to show why tasks do not start. */
  latestEvent?: string;
}

/** ECS services: read one, set its desired count (UpdateService). */
export interface EcsProvider {
  describeService(ref: EcsServiceRef): Promise<EcsServiceState>;
  setDesiredCount(ref: EcsServiceRef, desiredCount: number): Promise<void>;
}
