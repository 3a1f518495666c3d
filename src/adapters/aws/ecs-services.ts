import { DescribeServicesCommand, type Service, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { PermanentError } from '../../errors/errors.js';
import type { EcsProvider, EcsServiceRef, EcsServiceState } from '../../ports/ecs-provider.js';
import { awsCall } from './aws-errors.js';
import type { CloudClients } from './cloud-clients.js';

/** `web in cluster shop (eu-west-1)`, for error messages. */
function where(ref: EcsServiceRef): string {
  return `${ref.service} in cluster ${ref.cluster} (${ref.region})`;
}

/**
 * The ECS port on Amazon ECS (API version 2014-11-13): a service is read
 * with DescribeServices and scaled with UpdateService's desiredCount alone.
 * Errors come out as the project's own classes (see aws-errors.ts):
 * ClusterNotFoundException, ServiceNotFoundException, ServiceNotActiveException
 * and InvalidParameterException are permanent; ThrottlingException and
 * ServerException transient.
 */
export class EcsServices implements EcsProvider {
  constructor(private readonly clients: CloudClients) {}

  /**
   * DescribeServices for the one service. ECS does not fail the call for a
   * service it does not know: the call succeeds and lists it under
   * `failures` with reason MISSING
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html,
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html),
   * which is a PermanentError here, naming the service. A deleted service
   * stays visible as INACTIVE for a while: that is a state, not an error.
   */
  async describeService(ref: EcsServiceRef): Promise<EcsServiceState> {
    const operation = `DescribeServices ${where(ref)}`;
    const client = this.clients.ecs(ref.region);
    const out = await awsCall(operation, () => client.send(new DescribeServicesCommand({ cluster: ref.cluster, services: [ref.service] })));
    const service = (out.services ?? []).find((s) => s.serviceName === ref.service || s.serviceArn === ref.service);
    if (!service) {
      const failure = (out.failures ?? [])[0];
      const why = failure ? `${failure.reason ?? 'MISSING'}${failure.detail ? ` (${failure.detail})` : ''}` : 'not in the answer';
      throw new PermanentError(`${operation}: ${why}: no service ${ref.service} in cluster ${ref.cluster} in ${ref.region}`);
    }
    return toState(ref, service, operation);
  }

  /**
   * UpdateService with the desired count alone: ECS starts or stops tasks to
   * match and, since nothing of the task definition changed, starts no new
   * deployment ("You can add to or subtract from the number of
   * instantiations of a task definition in a service by specifying the
   * cluster that the service is running in and a new desiredCount
   * parameter", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
   * Sent once, through the change client: the engine judges a lost answer by
   * reading the service again.
   */
  async setDesiredCount(ref: EcsServiceRef, desiredCount: number): Promise<void> {
    const operation = `UpdateService ${where(ref)}`;
    // ECS would answer InvalidParameterException, but only after a round trip and in its own words.
    if (!Number.isSafeInteger(desiredCount) || desiredCount < 0) {
      throw new PermanentError(`${operation}: desired count must be a whole number >= 0, got ${desiredCount}`);
    }
    const client = this.clients.ecs(ref.region, 'change');
    await awsCall(operation, () => client.send(new UpdateServiceCommand({ cluster: ref.cluster, service: ref.service, desiredCount })));
  }
}

/** A Service of DescribeServices as the port's state; the counts are required of a real answer. */
function toState(ref: EcsServiceRef, service: Service, operation: string): EcsServiceState {
  const need = <T>(value: T | undefined | null, member: string): T => {
    // A response without one is broken, and retrying will not mend it.
    if (value === undefined || value === null) throw new PermanentError(`${operation}: the response has no ${member}`);
    return value;
  };
  const deployments = service.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  // ECS lists a service's events newest first (up to 100 of them).
  const latest = service.events?.[0]?.message;
  return {
    ref,
    status: need(service.status, 'status'),
    desiredCount: need(service.desiredCount, 'desiredCount'),
    runningCount: need(service.runningCount, 'runningCount'),
    pendingCount: need(service.pendingCount, 'pendingCount'),
    deployments: deployments.length,
    ...(primary?.rolloutState ? { rolloutState: primary.rolloutState } : {}),
    ...(latest ? { latestEvent: latest } : {}),
  };
}
