import type { Config } from '../../config/types.js';
import { PermanentError, UserInputError } from '../../errors/errors.js';
import type { ComputeRef } from '../../ports/compute-provider.js';
import type { DatabaseRef } from '../../ports/database-provider.js';
import type { Prober } from '../../ports/prober.js';
import type { CloudProviders } from '../../ports/providers.js';
import type { ProbeTarget } from '../../probes/types.js';
import { encodeError, READ_OPS, type ReadCall, type ReadOutcome, type ReadRequest, type ReadResponse } from './read-protocol.js';

/**
 * Answer a batch of reads (src/adapters/remote/remote-reads.ts) on this
 * function's own cloud ports and prober: every read runs at once, and each
 * has its own outcome (one unreadable database does not hide the others).
 *
 * Only what the configuration names is read: its hosted zones, databases,
 * Auto Scaling groups, probe targets (the witness's included) and
 * replication endpoints, each with its configured deadline. IAM
 * already scopes the cloud reads to those resources; for probes it is the
 * only guard, so that the reader never becomes a way to send HTTP requests
 * to arbitrary addresses from inside the account's network.
 */
export function readServer(world: { cloud: CloudProviders; prober: Prober }, config: Config): (request: ReadRequest) => Promise<ReadResponse> {
  const known = configured(config);
  const run = (call: ReadCall): Promise<unknown> => {
    switch (call.op) {
      case 'dns.listRecords':
        if (!known.zones.has(call.hostedZoneId)) return refuse(`hosted zone ${call.hostedZoneId}`);
        return world.cloud.dns.listRecords(call.hostedZoneId, call.name);
      case 'database.describe':
        if (!known.databases.has(databaseKey(call.ref))) return refuse(`database ${databaseKey(call.ref)}`);
        return world.cloud.database.describe(call.ref);
      case 'database.replicaLag':
        if (!known.databases.has(databaseKey(call.ref))) return refuse(`database ${databaseKey(call.ref)}`);
        return world.cloud.database.replicaLag(call.ref);
      case 'compute.describeGroup':
        if (!known.groups.has(groupKey(call.ref))) return refuse(`Auto Scaling group ${groupKey(call.ref)}`);
        return world.cloud.compute.describeGroup(call.ref);
      case 'fence.describe':
        if (!known.databases.has(databaseKey(call.ref))) return refuse(`database ${databaseKey(call.ref)}`);
        return world.cloud.fence.describe(call.ref);
      case 'prober.round': {
        // The whole target must be a configured one, not just its address: a caller's own timeout or body would make it another probe.
        const unknown = call.targets.filter((t) => !known.probes.has(probeKey(t)));
        if (unknown.length > 0) return refuse(`probe target ${unknown.map(probeName).join(', ')}`);
        return world.prober.round(call.targets.map((t) => known.probes.get(probeKey(t))!));
      }
      case 'prober.heartbeat': {
        const endpoint = known.heartbeats.get(call.url);
        if (!endpoint) return refuse(`replication endpoint ${call.url}`);
        if (!world.prober.heartbeat) return Promise.reject(new PermanentError('this reader has no heartbeat reader'));
        const role = call.expectRole === 'writer' || call.expectRole === 'replica' ? { expectRole: call.expectRole } : {};
        return world.prober.heartbeat({ url: endpoint.url, timeoutMs: endpoint.timeoutMs, ...role });
      }
      case 'traffic.routingControlState': {
        // The cluster's endpoints come from the configuration of the app that names the control, never from the caller.
        const cluster = config.applications.map((a) => a.traffic.routingControl).find((rc) => rc && Object.values(rc.controls).includes(call.routingControlArn));
        if (!cluster) return refuse(`routing control ${call.routingControlArn}`);
        return world.cloud.traffic.routingControls(cluster.clusterEndpoints).getRoutingControlState(call.routingControlArn);
      }
      case 'ecs.describeService':
        if (!known.ecsServices.has(`${call.ref.region}/${call.ref.cluster}/${call.ref.service}`)) return refuse(`ECS service ${call.ref.cluster}/${call.ref.service} in ${call.ref.region}`);
        if (!world.cloud.ecs) return Promise.reject(new PermanentError('this reader has no ECS provider'));
        return world.cloud.ecs.describeService(call.ref);
      case 'cache.describe':
        if (!known.globalDatastores.has(call.ref.globalReplicationGroupId)) return refuse(`global datastore ${call.ref.globalReplicationGroupId}`);
        if (!world.cloud.cache) return Promise.reject(new PermanentError('this reader has no ElastiCache provider'));
        return world.cloud.cache.describe(call.ref);
      default:
        return Promise.reject(new UserInputError(`unknown read ${JSON.stringify((call as { op?: unknown }).op)} (one of ${READ_OPS.join(', ')})`));
    }
  };
  return async (request) => {
    if (request?.source !== 'failover-controller' || !Array.isArray(request.reads)) {
      throw new UserInputError('not a read request of the failover-controller: expected { source: "failover-controller", reads: [...] }');
    }
    const results = await Promise.all(
      request.reads.map(async (call): Promise<ReadOutcome> => {
        try {
          const value = await run(call);
          return value === undefined ? { ok: true } : { ok: true, value };
        } catch (err) {
          return { ok: false, error: encodeError(err) };
        }
      }),
    );
    return { results };
  };
}

function refuse(what: string): Promise<never> {
  return Promise.reject(new PermanentError(`${what}: not in this stack's configuration; the reader reads only what the configuration names`));
}

/** The resources the configuration names, by key. */
function configured(config: Config): {
  zones: Set<string>;
  databases: Set<string>;
  groups: Set<string>;
  probes: Map<string, ProbeTarget>;
  heartbeats: Map<string, { url: string; timeoutMs: number }>;
  ecsServices: Set<string>;
  globalDatastores: Set<string>;
} {
  const regions = config.applications.flatMap((app) => app.regions);
  // What the applications' own runbooks act on (`runbooks.resources`), by name, in each of the application's regions.
  const uses = config.applications.flatMap((app) => (app.runbooks ? [{ regions: app.regions.map((r) => r.name), resources: app.runbooks.resources }] : []));
  return {
    ecsServices: new Set(uses.flatMap((u) => u.regions.flatMap((region) => u.resources.ecsServices.map((s) => `${region}/${s}`)))),
    globalDatastores: new Set(uses.flatMap((u) => u.resources.globalDatastores)),
    zones: new Set(regions.map((r) => r.dns.hostedZoneId)),
    databases: new Set(regions.map((r) => databaseKey(r.database))),
    groups: new Set(regions.map((r) => groupKey({ region: r.name, groupName: r.compute.autoScalingGroup }))),
    probes: new Map([...regions.flatMap((r) => r.probes), ...config.witness].map((t) => [probeKey(t), t] as const)),
    heartbeats: new Map(regions.flatMap((r) => (r.lag?.heartbeat ? [[r.lag.heartbeat.url, r.lag.heartbeat] as const] : []))),
  };
}

function databaseKey(ref: DatabaseRef): string {
  return ref.engine === 'rds' ? `rds ${ref.region}/${ref.instanceId}` : `aurora-global ${ref.region}/${ref.globalClusterId}/${ref.clusterId}`;
}

function groupKey(ref: ComputeRef): string {
  return `${ref.region}/${ref.groupName}`;
}

/** Every field of a target that changes what is sent or how long it may take. */
function probeKey(target: ProbeTarget): string {
  return JSON.stringify([target?.method, target?.url, target?.expectStatus, target?.bodyMatch ?? null, target?.timeoutMs, target?.attempts ?? 1]);
}

function probeName(target: ProbeTarget): string {
  return `${target?.method} ${target?.url}`;
}
