import { PermanentError } from '../../errors/errors.js';
import type { EcsProvider, EcsServiceRef, EcsServiceState } from '../../ports/ecs-provider.js';
import type { SimCloud } from './sim-cloud.js';

/** One task of a simulated service: RUNNING from `runningAt`; once stopped, gone from `stopsAt`. */
interface SimTask {
  id: string;
  runningAt: number;
  stopsAt?: number;
}

/** One simulated ECS service, JSON-safe. */
interface SimService {
  region: string;
  cluster: string;
  name: string;
  /** ACTIVE, DRAINING or INACTIVE. */
  status: string;
  desired: number;
  tasks: SimTask[];
  /** The service's events, oldest first (the last few). */
  events: { at: number; message: string }[];
}

/** Everything a SimEcs holds, JSON-safe, with the counter that names the next task. */
export interface SimEcsSnapshot {
  services: SimService[];
  nextTask: number;
}

/** How a seeded service starts: its desired count and how many tasks already run (default: all of them). */
export interface SimEcsSeed {
  desiredCount: number;
  runningCount?: number;
  /** ACTIVE (default), DRAINING or INACTIVE: a service being deleted, or one deleted and still listed. */
  status?: string;
}

/** The last path segment of an ECS ARN (`…:service/cluster/web` → `web`), or the name itself. */
function nameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}

/** How many of the service's latest events it keeps (ECS keeps 100; a few tell the story). */
const EVENTS_KEPT = 10;

/**
 * Simulated Amazon ECS services, with ECS's semantics (the contract suite
 * in test/contract/ecs-provider.contract.ts holds it to them): UpdateService
 * sets the desired count at once; new tasks are PENDING for
 * {@link SimCloud.delays}.taskStartMs and then RUNNING; on scale-in pending
 * tasks go at once and running ones stay RUNNING for taskStopMs while they
 * drain; changing only the desired count starts no new deployment, so a
 * service has one deployment, COMPLETED. Every call goes through
 * {@link SimCloud.call} (service `ecs`, target `<cluster>/<service>`), so
 * region outages, faults, the call log and freeze points apply.
 */
export class SimEcs implements EcsProvider {
  private readonly services = new Map<string, SimService>();
  private nextTask = 1;

  constructor(private readonly cloud: SimCloud) {}

  /** Create a service (ECS's control plane, outside this model): `runningCount` tasks already RUNNING, the rest starting. */
  seed(ref: EcsServiceRef, seed: SimEcsSeed): void {
    const now = this.cloud.clock.now();
    const service: SimService = {
      region: ref.region,
      cluster: nameOf(ref.cluster),
      name: nameOf(ref.service),
      status: seed.status ?? 'ACTIVE',
      desired: seed.desiredCount,
      tasks: [],
      events: [],
    };
    const startedAt = now - this.cloud.delays.taskStartMs;
    for (let i = 0; i < (seed.runningCount ?? seed.desiredCount); i++) service.tasks.push({ id: this.taskId(), runningAt: startedAt });
    this.services.set(key(ref), service);
    this.reconcile(service, now);
  }

  async describeService(ref: EcsServiceRef): Promise<EcsServiceState> {
    return this.cloud.call('ecs', 'DescribeServices', ref.region, target(ref), () => {
      const service = this.services.get(key(ref));
      if (!service) {
        this.requireCluster(ref);
        // ECS lists a missing service under `failures` (reason MISSING) and fails nothing; the port makes it an error.
        throw new PermanentError(`DescribeServices: MISSING: no service ${named(ref)}`);
      }
      return this.state(ref, service, this.cloud.clock.now());
    });
  }

  async setDesiredCount(ref: EcsServiceRef, desiredCount: number): Promise<void> {
    return this.cloud.call('ecs', 'UpdateService', ref.region, target(ref), () => {
      if (!Number.isSafeInteger(desiredCount) || desiredCount < 0) {
        throw new PermanentError(`UpdateService: InvalidParameterException: desiredCount must be a whole number >= 0, got ${desiredCount}`);
      }
      const service = this.services.get(key(ref));
      if (!service) {
        this.requireCluster(ref);
        throw new PermanentError(`UpdateService: ServiceNotFoundException: Service not found: ${named(ref)}`);
      }
      if (service.status !== 'ACTIVE') {
        throw new PermanentError(`UpdateService: ServiceNotActiveException: Service ${service.name} is ${service.status}`);
      }
      service.desired = desiredCount;
      this.reconcile(service, this.cloud.clock.now());
    });
  }

  /** A deep copy of every service and the task counter. */
  snapshot(): SimEcsSnapshot {
    return { services: structuredClone([...this.services.values()]), nextTask: this.nextTask };
  }

  /** Replace every service with those of a snapshot (none: an empty ECS, as in snapshots from before it was simulated). */
  restore(snapshot: SimEcsSnapshot | undefined): void {
    this.services.clear();
    for (const service of structuredClone(snapshot?.services ?? [])) {
      this.services.set(key({ region: service.region, cluster: service.cluster, service: service.name }), service);
    }
    this.nextTask = snapshot?.nextTask ?? 1;
  }

  /** The service as DescribeServices shows it at `now`; reads change nothing (a stop that ended is simply no longer counted). */
  private state(ref: EcsServiceRef, service: SimService, now: number): EcsServiceState {
    const live = service.tasks.filter((t) => t.stopsAt === undefined || now < t.stopsAt);
    const runningCount = live.filter((t) => t.runningAt <= now).length;
    const pendingCount = live.length - runningCount;
    const steady = runningCount === service.desired && pendingCount === 0 && live.every((t) => t.stopsAt === undefined);
    const active = service.status === 'ACTIVE';
    const latest = steady && active ? `(service ${service.name}) has reached a steady state.` : service.events.at(-1)?.message;
    return {
      ref,
      status: service.status,
      desiredCount: service.desired,
      runningCount,
      pendingCount,
      deployments: active ? 1 : 0,
      ...(active ? { rolloutState: 'COMPLETED' } : {}),
      ...(latest ? { latestEvent: latest } : {}),
    };
  }

  /** Start or stop tasks until as many are live as desired: pending ones are stopped first, then the newest running ones. */
  private reconcile(service: SimService, now: number): void {
    service.tasks = service.tasks.filter((t) => t.stopsAt === undefined || now < t.stopsAt);
    const live = service.tasks.filter((t) => t.stopsAt === undefined);
    if (live.length < service.desired) {
      const runningAt = now + this.cloud.delays.taskStartMs;
      const started = Array.from({ length: service.desired - live.length }, () => ({ id: this.taskId(), runningAt }));
      service.tasks.push(...started);
      this.event(service, now, `(service ${service.name}) has started ${started.length} tasks: ${taskList(started)}.`);
    } else if (live.length > service.desired) {
      const byNewest = [...live].sort((a, b) => Number(b.runningAt > now) - Number(a.runningAt > now) || b.runningAt - a.runningAt);
      const stopped = byNewest.slice(0, live.length - service.desired);
      for (const task of stopped) task.stopsAt = task.runningAt > now ? now : now + this.cloud.delays.taskStopMs;
      this.event(service, now, `(service ${service.name}) has stopped ${stopped.length} running tasks: ${taskList(stopped)}.`);
    }
  }

  private event(service: SimService, at: number, message: string): void {
    service.events.push({ at, message });
    service.events.splice(0, Math.max(0, service.events.length - EVENTS_KEPT));
  }

  /** A cluster exists here while a service of this model is in it. */
  private requireCluster(ref: EcsServiceRef): void {
    const cluster = nameOf(ref.cluster);
    if (![...this.services.values()].some((s) => s.region === ref.region && s.cluster === cluster)) {
      throw new PermanentError(`ClusterNotFoundException: Cluster not found: ${cluster} in ${ref.region}`);
    }
  }

  /** ECS task ids are 32 hex digits. */
  private taskId(): string {
    return (this.nextTask++).toString(16).padStart(32, '0');
  }
}

/** `web in cluster shop in eu-west-1`, for messages. */
function named(ref: EcsServiceRef): string {
  return `${nameOf(ref.service)} in cluster ${nameOf(ref.cluster)} in ${ref.region}`;
}

/** Tasks as ECS's service events list them: `(task <id>) (task <id>)`. */
function taskList(tasks: SimTask[]): string {
  return tasks.map((t) => `(task ${t.id})`).join(' ');
}

function key(ref: EcsServiceRef): string {
  return `${ref.region}|${nameOf(ref.cluster)}|${nameOf(ref.service)}`;
}

/** The call log's target and the freeze points' `<target>`: `<cluster>/<service>`. */
function target(ref: EcsServiceRef): string {
  return `${nameOf(ref.cluster)}/${nameOf(ref.service)}`;
}
