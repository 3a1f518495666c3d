import type nock from 'nock';
import { type FakeAnswer, NockFake } from './nock-fake.js';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const ACCOUNT = '123456789012';

/** One request the fake answered, in order: the operation of X-Amz-Target, the JSON body, the status answered. */
export interface FakeEcsCall {
  operation: string;
  body: Record<string, unknown>;
  status: number;
}

/** How a service starts: its desired count, how many tasks already run (default: all), its status (default ACTIVE). */
export interface FakeEcsServiceSeed {
  desiredCount: number;
  runningCount?: number;
  status?: string;
}

interface FakeTask {
  id: string;
  runningAt: number;
  stopsAt?: number;
}

interface FakeService {
  cluster: string;
  name: string;
  status: string;
  desired: number;
  tasks: FakeTask[];
  createdAt: number;
  /** Newest last; answered newest first, as ECS does. */
  events: { id: string; at: number; message: string }[];
  /** A deployment started by a new task definition or forceNewDeployment: a second deployment until it completes. */
  rolloutUntil?: number;
}

class EcsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The last path segment of an ECS ARN, or the name itself. */
function nameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}

/**
 * A small, stateful stand-in for Amazon ECS in one region behind nock,
 * speaking its wire format (JSON 1.1, POST `/`, X-Amz-Target
 * `AmazonEC2ContainerServiceV20141113.<Operation>`, errors as `__type` and
 * `message`), for the operations the ECS adapter uses:
 * - DescribeServices: up to 10 services of one cluster (`default` if none
 *   is named); a service it does not know is listed under `failures` with
 *   reason MISSING and the call succeeds; an unknown cluster is
 *   ClusterNotFoundException (400).
 * - UpdateService: the desired count at once; tasks launch PENDING and run
 *   `startMs` later; on scale-in pending tasks go at once and running ones
 *   stay RUNNING for `stopMs`. A desired count alone starts no deployment;
 *   a taskDefinition or forceNewDeployment does (two deployments until it
 *   completes). Unknown: ServiceNotFoundException; not ACTIVE:
 *   ServiceNotActiveException; a negative count: InvalidParameterException.
 * - A request must be signed for this region and for `ecs` (403 otherwise).
 * - `takeDown` refuses every connection until `bringUp`: a region that does not answer.
 */
export class FakeEcs extends NockFake {
  readonly calls: FakeEcsCall[] = [];
  private readonly services = new Map<string, FakeService>();
  private nextId = 1;

  constructor(private readonly options: { region: string; now: () => number; startMs: number; stopMs: number }) {
    super();
  }

  /** The endpoint the SDK calls for this region. */
  get endpoint(): string {
    return `https://ecs.${this.options.region}.amazonaws.com`;
  }

  /** Create a service (outside the API): `runningCount` tasks already RUNNING, the rest launching. */
  addService(cluster: string, name: string, seed: FakeEcsServiceSeed): void {
    const now = this.options.now();
    const service: FakeService = {
      cluster,
      name,
      status: seed.status ?? 'ACTIVE',
      desired: seed.desiredCount,
      tasks: [],
      createdAt: now - 86_400_000,
      events: [],
    };
    for (let i = 0; i < (seed.runningCount ?? seed.desiredCount); i++)
      service.tasks.push({ id: this.id(32), runningAt: now - this.options.startMs });
    this.services.set(`${cluster}/${name}`, service);
    this.reconcile(service, now);
  }

  protected intercept(scope: nock.Scope): nock.Interceptor {
    return scope.post('/');
  }

  protected answer(_uri: string, headers: Record<string, string | string[] | undefined>, body: nock.Body): FakeAnswer {
    return this.handle(headers, body);
  }

  private handle(headers: Record<string, string | string[] | undefined>, raw: nock.Body): [number, string, Record<string, string>] {
    if (this.down) {
      // Thrown from an async reply, nock fails the request as a refused connection would.
      throw Object.assign(new Error(`connect ECONNREFUSED ecs.${this.options.region}.amazonaws.com (simulated)`), { code: 'ECONNREFUSED' });
    }
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const body = (typeof raw === 'string' ? (raw === '' ? {} : JSON.parse(raw)) : raw) as Record<string, unknown>;
    const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `ecs-${this.nextId++}` };
    let status = 200;
    let answer: Record<string, unknown>;
    try {
      const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(headers['authorization'] ?? ''));
      if (scope?.[1] !== this.options.region || scope[2] !== 'ecs')
        throw new EcsError(
          403,
          'InvalidSignatureException',
          `Credential should be scoped to a valid region, not '${scope?.[1] ?? '(none)'}'.`,
        );
      if (headers['content-type'] !== 'application/x-amz-json-1.1')
        throw new EcsError(400, 'SerializationException', `content type ${String(headers['content-type'])}`);
      if (operation === 'DescribeServices') answer = this.describe(body);
      else if (operation === 'UpdateService') answer = this.update(body);
      else throw new EcsError(400, 'UnknownOperationException', `unknown operation ${target}`);
    } catch (err) {
      if (!(err instanceof EcsError)) throw err;
      status = err.status;
      answer = { __type: err.code, message: err.message };
    }
    this.calls.push({ operation, body, status });
    return [status, JSON.stringify(answer), json];
  }

  private describe(body: Record<string, unknown>): Record<string, unknown> {
    const cluster = nameOf(typeof body['cluster'] === 'string' ? body['cluster'] : 'default');
    const names = body['services'];
    if (!Array.isArray(names) || names.length < 1 || names.length > 10)
      throw new EcsError(400, 'InvalidParameterException', 'services must name 1 to 10 services.');
    this.requireCluster(cluster);
    const now = this.options.now();
    const services: Record<string, unknown>[] = [];
    const failures: Record<string, unknown>[] = [];
    for (const name of names as string[]) {
      const service = this.services.get(`${cluster}/${nameOf(name)}`);
      if (service) services.push(this.serviceJson(service, now));
      else failures.push({ arn: `arn:aws:ecs:${this.options.region}:${ACCOUNT}:service/${cluster}/${nameOf(name)}`, reason: 'MISSING' });
    }
    return { services, failures };
  }

  private update(body: Record<string, unknown>): Record<string, unknown> {
    const cluster = nameOf(typeof body['cluster'] === 'string' ? body['cluster'] : 'default');
    if (typeof body['service'] !== 'string') throw new EcsError(400, 'InvalidParameterException', 'service must be given.');
    this.requireCluster(cluster);
    const service = this.services.get(`${cluster}/${nameOf(body['service'])}`);
    if (!service) throw new EcsError(400, 'ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE') throw new EcsError(400, 'ServiceNotActiveException', 'Service was not ACTIVE.');
    const now = this.options.now();
    if (body['desiredCount'] !== undefined) {
      const desired = body['desiredCount'];
      if (typeof desired !== 'number' || !Number.isInteger(desired) || desired < 0)
        throw new EcsError(400, 'InvalidParameterException', 'Desired count must be a non-negative integer.');
      service.desired = desired;
    }
    if (body['taskDefinition'] !== undefined || body['forceNewDeployment'] === true) service.rolloutUntil = now + this.options.startMs;
    this.reconcile(service, now);
    return { service: this.serviceJson(service, now) };
  }

  private serviceJson(service: FakeService, now: number): Record<string, unknown> {
    const live = service.tasks.filter((t) => t.stopsAt === undefined || now < t.stopsAt);
    const running = live.filter((t) => t.runningAt <= now).length;
    const pending = live.length - running;
    const steady = running === service.desired && pending === 0 && live.every((t) => t.stopsAt === undefined);
    const rolling = service.rolloutUntil !== undefined && now < service.rolloutUntil;
    const arn = `arn:aws:ecs:${this.options.region}:${ACCOUNT}:service/${service.cluster}/${service.name}`;
    const taskDefinition = `arn:aws:ecs:${this.options.region}:${ACCOUNT}:task-definition/${service.name}:7`;
    const secs = (ms: number) => ms / 1000;
    const deployment = (id: string, status: string, rolloutState: string) => ({
      id,
      status,
      taskDefinition,
      desiredCount: service.desired,
      pendingCount: pending,
      runningCount: running,
      failedTasks: 0,
      createdAt: secs(service.createdAt),
      updatedAt: secs(now),
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      rolloutState,
      rolloutStateReason: `ECS deployment ${id} ${rolloutState === 'COMPLETED' ? 'completed' : 'in progress'}.`,
    });
    const deployments =
      service.status !== 'ACTIVE'
        ? []
        : rolling
          ? [deployment('ecs-svc/2', 'PRIMARY', 'IN_PROGRESS'), deployment('ecs-svc/1', 'ACTIVE', 'COMPLETED')]
          : [deployment('ecs-svc/1', 'PRIMARY', 'COMPLETED')];
    const events = [...service.events].reverse();
    // ECS says so once the service settles; the fake says it whenever the service is settled, newest first.
    if (steady && service.status === 'ACTIVE')
      events.unshift({ id: 'steady', at: now, message: `(service ${service.name}) has reached a steady state.` });
    return {
      serviceArn: arn,
      serviceName: service.name,
      clusterArn: `arn:aws:ecs:${this.options.region}:${ACCOUNT}:cluster/${service.cluster}`,
      loadBalancers: [],
      serviceRegistries: [],
      status: service.status,
      desiredCount: service.desired,
      runningCount: running,
      pendingCount: pending,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      taskDefinition,
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      deployments,
      events: events.map((e) => ({ id: e.id, createdAt: secs(e.at), message: e.message })),
      createdAt: secs(service.createdAt),
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
    };
  }

  /** Start or stop tasks until as many are live as desired: pending first, then the newest running ones. */
  private reconcile(service: FakeService, now: number): void {
    service.tasks = service.tasks.filter((t) => t.stopsAt === undefined || now < t.stopsAt);
    const live = service.tasks.filter((t) => t.stopsAt === undefined);
    if (live.length < service.desired) {
      const started = Array.from({ length: service.desired - live.length }, () => ({
        id: this.id(32),
        runningAt: now + this.options.startMs,
      }));
      service.tasks.push(...started);
      service.events.push({
        id: this.id(8),
        at: now,
        message: `(service ${service.name}) has started ${started.length} tasks: ${started.map((t) => `(task ${t.id})`).join(' ')}.`,
      });
    } else if (live.length > service.desired) {
      const byNewest = [...live].sort((a, b) => Number(b.runningAt > now) - Number(a.runningAt > now) || b.runningAt - a.runningAt);
      const stopped = byNewest.slice(0, live.length - service.desired);
      for (const task of stopped) task.stopsAt = task.runningAt > now ? now : now + this.options.stopMs;
      service.events.push({
        id: this.id(8),
        at: now,
        message: `(service ${service.name}) has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${t.id})`).join(' ')}.`,
      });
    }
  }

  private requireCluster(cluster: string): void {
    if (![...this.services.values()].some((s) => s.cluster === cluster))
      throw new EcsError(400, 'ClusterNotFoundException', 'Cluster not found.');
  }

  private id(digits: number): string {
    return (this.nextId++).toString(16).padStart(digits, '0');
  }
}
