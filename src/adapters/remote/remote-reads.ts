import type { AutomationProvider } from '../../ports/automation-provider.js';
import type { EcsProvider, EcsServiceState } from '../../ports/ecs-provider.js';
import type { FunctionInvoker } from '../../ports/function-invoker.js';
import type { GlobalCacheProvider, GlobalCacheState } from '../../ports/global-cache-provider.js';
import { PermanentError } from '../../errors/errors.js';
import type { ComputeGroupState, ComputeProvider, ComputeRef } from '../../ports/compute-provider.js';
import type { DatabaseProvider, DatabaseRef, DatabaseState, LagSample } from '../../ports/database-provider.js';
import type { DnsProvider, DnsRecordSet } from '../../ports/dns-provider.js';
import type { NetworkFence, NetworkPathState } from '../../ports/network-fence.js';
import type { HeartbeatResult } from '../../lag/heartbeat.js';
import type { Prober } from '../../ports/prober.js';
import type { CloudProviders } from '../../ports/providers.js';
import type { ProbeResult, ProbeTarget } from '../../probes/types.js';
import { decodeError, type ReadCall, type ReadTransport } from './read-protocol.js';
import { UdpAuthoritativeDns } from '../../dns/authoritative-client.js';
import type { RoutingControlState, TrafficProviders } from '../../ports/traffic-switch.js';

/**
 * The data-plane switch as a reading function sees it: DNS answers asked
 * directly (plain UDP, no AWS permission), routing-control states through
 * the reader, and every change refused.
 */
function remoteTraffic(read: (call: ReadCall) => Promise<unknown>, refuse: (method: string) => () => Promise<never>): TrafficProviders {
  return {
    votes: { castVotes: refuse('traffic.castVotes') },
    alarms: { describeAlarms: refuse('traffic.describeAlarms'), putAlarm: refuse('traffic.putAlarm') },
    healthChecks: { listHealthChecks: refuse('traffic.listHealthChecks'), createHealthCheck: refuse('traffic.createHealthCheck'), nameServers: refuse('traffic.nameServers') },
    // The reader finds the cluster's endpoints from the control's ARN among the configured apps: never the caller's.
    routingControls: () => ({
      getRoutingControlState: (arn) => read({ op: 'traffic.routingControlState', routingControlArn: arn }) as Promise<RoutingControlState>,
      updateRoutingControlStates: refuse('traffic.updateRoutingControlStates'),
    }),
    authoritativeDns: new UdpAuthoritativeDns(),
  };
}

/**
 * The cloud ports and the prober of a function that reads the world through
 * another function: every read (DNS records, a database, its replica lag, an
 * Auto Scaling group, a database's security-group rules, a probe round) is sent over `transport` to the function
 * that holds the SDK clients and the read permissions (on AWS, the `reader`
 * function, src/handlers/reader.ts), and every change is refused here,
 * naming who makes it (`changes`): the function reading this way never acts.
 *
 * Reads started at the same moment go together: a dry-run plan observes all
 * of its steps at once, and one request carries them all, instead of one
 * invocation (and one cold start) per step. A batch leaves on the next turn
 * of the event loop (setImmediate), so the reads a batch collects are those
 * issued synchronously or from promise callbacks of the current turn.
 */
export class RemoteReads {
  readonly cloud: CloudProviders;
  readonly prober: Prober;
  private pending: { call: ReadCall; resolve: (value: unknown) => void; reject: (err: unknown) => void }[] = [];

  constructor(
    private readonly transport: ReadTransport,
    /** Who makes the changes this function refuses, for the error message (e.g. "runs execute in the runbook worker"). */
    changes: string,
  ) {
    const refuse = (method: string) => () => Promise.reject(new PermanentError(`${method}: this function only reads the cloud; ${changes}`));
    const dns: DnsProvider = {
      listRecords: (hostedZoneId, name) => this.read<DnsRecordSet[]>({ op: 'dns.listRecords', hostedZoneId, name }),
      changeRecords: refuse('dns.changeRecords'),
      getChange: refuse('dns.getChange'),
    };
    const database: DatabaseProvider = {
      describe: (ref: DatabaseRef) => this.read<DatabaseState>({ op: 'database.describe', ref }),
      replicaLag: (ref: DatabaseRef) => this.read<LagSample | undefined>({ op: 'database.replicaLag', ref }),
      promote: refuse('database.promote'),
      createReplica: refuse('database.createReplica'),
      retire: refuse('database.retire'),
    };
    const compute: ComputeProvider = {
      describeGroup: (ref: ComputeRef) => this.read<ComputeGroupState>({ op: 'compute.describeGroup', ref }),
      setCapacity: refuse('compute.setCapacity'),
    };
    const fence: NetworkFence = {
      describe: (ref: DatabaseRef) => this.read<NetworkPathState>({ op: 'fence.describe', ref }),
      revoke: refuse('fence.revoke'),
      resetConnections: refuse('fence.resetConnections'),
      reopen: refuse('fence.reopen'),
    };
    // The step library's services (user runbooks' plans): their reads, for the resources the configuration names.
    const ecs: EcsProvider = { describeService: (ref) => this.read<EcsServiceState>({ op: 'ecs.describeService', ref }), setDesiredCount: refuse('ecs.setDesiredCount') };
    const cache: GlobalCacheProvider = { describe: (ref) => this.read<GlobalCacheState>({ op: 'cache.describe', ref }), failover: refuse('cache.failover') };
    const functions: FunctionInvoker = { invoke: refuse('functions.invoke') };
    const automation: AutomationProvider = { start: refuse('automation.start'), describe: refuse('automation.describe') };
    this.cloud = { dns, database, compute, fence, traffic: remoteTraffic((call) => this.read(call), refuse), ecs, cache, functions, automation };
    this.prober = {
      round: (targets: ProbeTarget[]) => this.read<ProbeResult[]>({ op: 'prober.round', targets }),
      // The deadline is the configured one, applied by the reader: the caller names only the endpoint.
      // Never throws, as the port says: a reader that cannot be asked is a reason like any other, and the caller uses CloudWatch.
      heartbeat: ({ url, expectRole }) =>
        this.read<HeartbeatResult>({ op: 'prober.heartbeat', url, ...(expectRole ? { expectRole } : {}) }).catch(
          (err: unknown): HeartbeatResult => ({ ok: false, url, reason: `through the reader: ${err instanceof Error ? err.message : String(err)}` }),
        ),
    };
  }

  private read<T>(call: ReadCall): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ call, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const { results } = await this.transport.read({ source: 'failover-controller', reads: batch.map((p) => p.call) });
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new PermanentError(`the reader answered ${Array.isArray(results) ? results.length : 'no'} results for ${batch.length} reads`);
      }
      batch.forEach((p, i) => {
        const outcome = results[i]!;
        if (outcome.ok) p.resolve(outcome.value);
        else p.reject(decodeError(outcome.error));
      });
    } catch (err) {
      // The request itself failed (the reader could not be invoked, or failed as a whole): every read of the batch did.
      for (const p of batch) p.reject(err);
    }
  }
}
