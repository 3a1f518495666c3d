import { PermanentError, TransientError } from '../../errors/errors.js';
import type { Clock } from '../../ports/clock.js';

/** Scaled-down but realistic durations of cloud operations, in ms of clock time. */
export interface SimDelays {
  /** A replica promotion (RDS: 'modifying' → available writer). */
  promoteMs: number;
  /** A new cross-region read replica. */
  replicaCreateMs: number;
  /** An instance from Pending to InService. */
  instanceBootMs: number;
  /** A DNS change from PENDING to INSYNC. */
  dnsPropagationMs: number;
  /** A CloudWatch alarm's period (AWS: 60 s for the vote alarms); it is evaluated at the end of each. */
  alarmPeriodMs: number;
  /** How long Route 53's health checkers take to see a new alarm or routing-control state and answer by it. */
  healthCheckMs: number;
  /** An ECS task from PENDING to RUNNING (image pull, container start, health check grace). */
  taskStartMs: number;
  /** An ECS task from its stop to gone from runningCount (load balancer deregistration, SIGTERM, exit). */
  taskStopMs: number;
  /** An ElastiCache global datastore's failover: `modifying` until its members have swapped roles. */
  cacheFailoverMs: number;
}

/** The delays `npm start` uses: promotion ~5 s, boot ~3 s, DNS ~2 s. */
/**
 * What a call into a hanging region costs before it fails: the longest
 * request deadline of the AWS control-plane clients (RDS's,
 * src/adapters/aws/client-timeouts.ts). Invoke and ARC have their own below.
 */
export const SIM_REQUEST_DEADLINE_MS = 15_000;

/**
 * The request deadline of the Lambda client that invokes runbooks' functions
 * (CLIENT_TIMEOUTS.lambda): a synchronous Invoke waits for the function, so
 * its client waits longer than any control-plane call's.
 */
export const SIM_INVOKE_DEADLINE_MS = 120_000;

/** The ARC cluster client's request deadline (CLIENT_TIMEOUTS.arcCluster): a hanging cluster endpoint costs this before the next is tried. */
export const SIM_ARC_DEADLINE_MS = 4_000;

export const DEFAULT_SIM_DELAYS: SimDelays = {
  promoteMs: 5_000,
  replicaCreateMs: 6_000,
  instanceBootMs: 3_000,
  dnsPropagationMs: 2_000,
  // A tenth of AWS's: the aws-samples pattern saw a vote metric reach ALARM in ~84 s and answers move ~2 min 44 s after it.
  alarmPeriodMs: 6_000,
  healthCheckMs: 3_000,
  // ECS's own, not scaled down: a Fargate task takes about this from PENDING to RUNNING, and demos can wait 15 s.
  taskStartMs: 15_000,
  taskStopMs: 5_000,
  // A global datastore's failover takes minutes on AWS; a minute keeps `modifying` visible in a demo.
  cacheFailoverMs: 60_000,
};

/**
 * The region key of Route 53's control plane in the availability switches:
 * AWS runs it in us-east-1 alone, but a us-east-1 outage need not take it
 * down, and it can fail on its own; the world sets it apart.
 */
export const ROUTE53_CONTROL_PLANE = 'route53-control-plane';

/** One API call the simulated cloud received, in order. Tests assert on this log. */
export interface SimCall {
  seq: number;
  at: number;
  service: 'route53' | 'rds' | 'autoscaling' | 'cloudwatch' | 'ec2' | 'arc' | 'ecs' | 'lambda' | 'ssm' | 'elasticache';
  /** The AWS operation it stands for, e.g. PromoteReadReplica. */
  operation: string;
  region?: string;
  target: string;
  outcome: 'ok' | 'error';
  error?: string;
}

/** A fault to inject into matching calls. */
export interface FaultRule {
  /** AWS operation name, or '*' for every call. */
  operation: string;
  kind: 'transient' | 'permanent';
  /** Only calls for this region. */
  region?: string;
  /** Fail this many matching calls, then stop (default: unlimited). */
  times?: number;
  /** Fail a matching call with this probability (default 1). */
  probability?: number;
}

/** Where a call log goes; the in-memory array by default. A file sink makes it survive a crash. */
export type CallSink = (call: SimCall) => void;

/**
 * The shared core of the simulated cloud: its clock and delays, region
 * availability, injected faults and the log of every call. The per-service
 * adapters (sim-dns, sim-database, sim-compute, sim-ecs, …) route every operation
 * through `call`, so faults and the log apply to all of them alike.
 */
export class SimCloud {
  readonly calls: SimCall[] = [];
  /**
   * Runs once per call, after its effect is applied and it is logged, and
   * before the call returns to its caller; `call.outcome` says whether an
   * effect happened at all. The persistence layer saves the world here, so
   * a process killed inside the hook has done the act without hearing back,
   * which is exactly the crash a resumable runbook must survive. If the hook
   * throws, the caller gets that error even though the effect stands.
   */
  onCommitted?: (call: SimCall) => void;
  private readonly faults: (FaultRule & { id: number; used: number })[] = [];
  private readonly down = new Set<string>();
  private readonly hanging = new Set<string>();
  private readonly downSince = new Map<string, number>();
  private nextFault = 1;

  constructor(
    readonly clock: Clock,
    readonly delays: SimDelays = DEFAULT_SIM_DELAYS,
    private readonly random: () => number = Math.random,
    private readonly sink?: CallSink,
  ) {}

  /**
   * Make a region's control plane unreachable (a regional outage) or reachable
   * again. `since` restores an outage that began earlier (a restarted process).
   */
  setRegionAvailable(region: string, available: boolean, since?: number): void {
    if (available) {
      this.down.delete(region);
      this.downSince.delete(region);
    } else {
      this.down.add(region);
      if (!this.downSince.has(region)) this.downSince.set(region, since ?? this.clock.now());
    }
  }

  /**
   * How a down region's control plane fails: `refuses` (connection refused,
   * at once) or `hangs` (connections accepted, no answer: each call costs
   * {@link SIM_REQUEST_DEADLINE_MS}, the AWS clients' request deadline, and
   * then fails as a timeout). A hang is the more common face of a region in
   * trouble, and the one that shows what waits on it.
   */
  setRegionHanging(region: string, hanging: boolean): void {
    if (hanging) this.hanging.add(region);
    else this.hanging.delete(region);
  }

  /** Whether a down region's calls hang rather than being refused. */
  regionHanging(region: string): boolean {
    return this.down.has(region) && this.hanging.has(region);
  }

  /** When a region's outage began, if it is down. */
  regionDownSince(region: string): number | undefined {
    return this.downSince.get(region);
  }

  /** Whether a region's control plane answers. */
  regionAvailable(region: string): boolean {
    return !this.down.has(region);
  }

  /**
   * The items in a random order drawn from the cloud's random: a
   * Fisher–Yates shuffle, the one ArcRoutingControls orders a cluster's
   * endpoints with, so the same random gives the same order. The input
   * stays as it is.
   */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.min(i, Math.floor(this.random() * (i + 1)));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Add a fault rule; returns its id for `clearFault`. */
  injectFault(rule: FaultRule): number {
    const id = this.nextFault++;
    this.faults.push({ ...rule, id, used: 0 });
    return id;
  }

  /** Remove one fault rule, or all of them. */
  clearFault(id?: number): void {
    if (id === undefined) this.faults.length = 0;
    else this.faults.splice(this.faults.findIndex((f) => f.id === id) >>> 0, 1);
  }

  /** Calls of one operation that succeeded, e.g. to prove an act was not issued twice. */
  succeeded(operation: string): SimCall[] {
    return this.calls.filter((c) => c.operation === operation && c.outcome === 'ok');
  }

  /**
   * Perform one simulated API call: apply region availability and faults,
   * run `fn`, log the outcome and run `onCommitted`. Async like the real
   * thing, so callers cannot depend on it completing synchronously.
   */
  async call<T>(service: SimCall['service'], operation: string, region: string | undefined, target: string, fn: () => T): Promise<T> {
    await Promise.resolve();
    const record = (outcome: SimCall['outcome'], error?: string): SimCall => {
      // After the last logged seq, not the count: a log loaded from disk keeps growing from where it ended.
      const entry: SimCall = { seq: (this.calls.at(-1)?.seq ?? 0) + 1, at: this.clock.now(), service, operation, target, outcome };
      if (region !== undefined) entry.region = region;
      if (error !== undefined) entry.error = error;
      this.calls.push(entry);
      this.sink?.(entry);
      return entry;
    };
    let result: T;
    // Route 53's control plane answers for no region: its own switch decides (the data plane never comes here).
    const gate = region ?? (service === 'route53' ? ROUTE53_CONTROL_PLANE : undefined);
    if (gate !== undefined && this.regionHanging(gate)) {
      // The client gives up at its deadline; the caller's own, shorter deadline may give up first.
      const deadline = service === 'arc' ? SIM_ARC_DEADLINE_MS : service === 'lambda' ? SIM_INVOKE_DEADLINE_MS : SIM_REQUEST_DEADLINE_MS;
      await this.clock.sleep(deadline);
      const err = new TransientError(`${operation}: no answer from ${gate} within ${deadline / 1000} s (TimeoutError; simulated hang)`);
      const entry = record('error', err.message);
      this.onCommitted?.(entry);
      throw err;
    }
    try {
      if (gate !== undefined && this.down.has(gate)) {
        throw new TransientError(`${operation}: ${gate} is not answering (simulated ${gate === ROUTE53_CONTROL_PLANE ? 'Route 53 control-plane' : 'regional'} outage)`);
      }
      const fault = this.matchFault(operation, region);
      if (fault) {
        throw fault.kind === 'transient'
          ? new TransientError(`${operation}: Throttling: Rate exceeded (injected fault)`)
          : new PermanentError(`${operation}: AccessDenied (injected fault)`);
      }
      result = fn();
    } catch (err) {
      // Record first: `hook?.(record())` would skip the record when there is no hook.
      const entry = record('error', err instanceof Error ? err.message : String(err));
      this.onCommitted?.(entry);
      throw err;
    }
    // Outside the try: a failing hook must not log a call whose effect happened as an error.
    const entry = record('ok');
    this.onCommitted?.(entry);
    return result;
  }

  private matchFault(operation: string, region: string | undefined): FaultRule | undefined {
    for (const fault of this.faults) {
      if (fault.operation !== '*' && fault.operation !== operation) continue;
      if (fault.region !== undefined && fault.region !== region) continue;
      if (fault.times !== undefined && fault.used >= fault.times) continue;
      if (fault.probability !== undefined && this.random() >= fault.probability) continue;
      fault.used++;
      return fault;
    }
    return undefined;
  }
}
