import type { AppConfig } from '../config/types.js';
import { activeRegionOf, describeRecord } from '../dns/desired-records.js';
import { ownerRecordName, ownsRecord, planRecordSwitch } from '../dns/record-switch.js';
import { PermanentError } from '../errors/errors.js';
import type { DnsProvider } from '../ports/dns-provider.js';
import type { TrafficIntent, TrafficSetup, StateStore } from '../ports/state-store.js';
import type { Alarm, AlarmSpec, HealthCheck, HealthCheckSpec, TrafficProviders } from '../ports/traffic-switch.js';
import {
  callerReference,
  controlCheck,
  evacuatedWhileServing,
  regionCheck,
  switchRecords,
  voteAlarm,
  voteCheck,
  votersOf,
} from './switch-layout.js';

/** One thing provisioning creates or changes, or finds as it should be. */
export interface ProvisionAction {
  kind: 'alarm' | 'health-check' | 'records' | 'setup' | 'intent';
  resource: string;
  current: string;
  desired: string;
  /** Apply would change it. */
  change: boolean;
  /** Why apply leaves it for now (it waits on something else first). */
  waiting?: string;
}

/** What provisioning an application's data-plane switch would do, or did. */
export interface ProvisionPlan {
  app: string;
  mode: AppConfig['traffic']['mode'];
  actions: ProvisionAction[];
}

/** What provisioning reads and writes. */
export interface ProvisionDeps {
  dns: DnsProvider;
  traffic: TrafficProviders;
  /**
   * Where the first intent and the setup are kept. Absent when provisioning
   * runs beside no state table (the CLI with the operator's credentials):
   * the stacks then vote as the primary's layout until a run stores an
   * intent, and verify against `traffic.nameServers`, which the plan shows.
   */
  store?: Pick<StateStore, 'getTrafficIntent' | 'putTrafficIntent' | 'getTrafficSetup' | 'putTrafficSetup'>;
  now: () => number;
}

/**
 * Provision an application's data-plane switch while Route 53's control
 * plane is healthy: the vote alarms (one per region and voter, in the
 * voter's region), the health checks (each voter's CLOUDWATCH_METRIC check
 * and each region's CALCULATED check; or each region's RECOVERY_CONTROL
 * check), one record per region carrying its check, the zone's name
 * servers and the first intent. With `apply` false it only reads and says
 * what it would do. Idempotent: alarms are put only when they differ, health
 * checks are found by caller reference, records change only when they
 * differ, and only on a name the app owns. Records are changed only once the
 * votes already hold the serving region (a region to be out of DNS has its
 * voters' alarms in ALARM), so that no moment answers the wrong region.
 */
export async function provision(app: AppConfig, deps: ProvisionDeps, apply: boolean): Promise<ProvisionPlan> {
  if (app.traffic.mode === 'records') return { app: app.name, mode: 'records', actions: [] };
  const actions: ProvisionAction[] = [];
  const { hostedZoneId, recordName } = app.regions[0]!.dns;
  const owners = await deps.dns.listRecords(hostedZoneId, ownerRecordName(recordName));
  if (!ownsRecord(owners, app.name))
    throw new PermanentError(
      `${recordName} is not owned by ${app.name}: no ownership record at ${ownerRecordName(recordName)}; refusing to provision it`,
    );
  const read = await deps.dns.listRecords(hostedZoneId, recordName);

  // The first intent: where traffic goes now (the records as records mode left them), else the primary.
  let intent = await deps.store?.getTrafficIntent(app.name);
  if (!intent) {
    const serving = activeRegionOf(app.regions, read) ?? app.regions[0]!.name;
    const first: TrafficIntent = {
      app: app.name,
      serving,
      evacuated: evacuatedWhileServing(app, serving),
      runId: 'provision',
      at: deps.now(),
    };
    const desired = `serve ${serving}, out of DNS: ${first.evacuated.join(', ') || 'none'}`;
    if (deps.store) actions.push({ kind: 'intent', resource: `intent:${app.name}`, current: 'none', desired, change: true });
    else if (serving !== app.regions[0]!.name)
      throw new PermanentError(
        `${app.name}: traffic is on ${serving}, not the primary: provision through a controller with the state table, which stores where traffic is`,
      );
    if (apply) await deps.store?.putTrafficIntent(first);
    intent = first;
  }

  let checks: Record<string, string | undefined>;
  let votesReady = true;
  if (app.traffic.mode === 'health-checks') {
    const alarms = await provisionAlarms(app, deps, apply, actions);
    const existing = await deps.traffic.healthChecks.listHealthChecks();
    checks = {};
    for (const region of app.regions) {
      const children: (string | undefined)[] = [];
      for (const voter of votersOf(app, region.name)) {
        children.push(
          await healthCheck(deps, existing, app, region.name, `vote-${voter}`, voteCheck(app, region.name, voter), apply, actions),
        );
      }
      const all = children.every((c) => c !== undefined);
      checks[region.name] = all
        ? await healthCheck(deps, existing, app, region.name, 'region', regionCheck(app, region.name, children as string[]), apply, actions)
        : undefined;
      if (!all)
        actions.push({
          kind: 'health-check',
          resource: `route53:${app.name} ${region.name} calculated`,
          current: 'absent',
          desired: 'CALCULATED over its voters\u2019 checks',
          change: true,
          waiting: 'its children are created first',
        });
      // A region to be out of DNS must have every voter's alarm in ALARM before records that follow them appear.
      if (intent.evacuated.includes(region.name)) {
        votesReady &&= votersOf(app, region.name).every(
          (voter) => alarms.get(voteAlarm(app, region.name, voter).name + '@' + voter) === 'ALARM',
        );
      }
    }
  } else {
    const existing = await deps.traffic.healthChecks.listHealthChecks();
    checks = {};
    for (const region of app.regions)
      checks[region.name] = await healthCheck(deps, existing, app, region.name, 'control', controlCheck(app, region.name), apply, actions);
    // The controls are the user's (ARC's control plane): records that follow them wait until they say where traffic is.
    const rc = app.traffic.routingControl!;
    const api = deps.traffic.routingControls(rc.clusterEndpoints);
    for (const region of app.regions) {
      const state = await api.getRoutingControlState(rc.controls[region.name]!);
      votesReady &&= state === (region.name === intent.serving ? 'On' : 'Off');
    }
  }

  const ids = Object.fromEntries(Object.entries(checks).filter((e): e is [string, string] => e[1] !== undefined));
  const desired = switchRecords(app, ids);
  const complete = Object.keys(ids).length === app.regions.length;
  const plan = complete ? planRecordSwitch(read, desired) : undefined;
  const current =
    read
      .filter((r) => r.type === desired[0]!.type)
      .map(describeRecord)
      .join('; ') || 'absent';
  const wanted = desired
    .map((r) => `${describeRecord(r)}${r.healthCheckId ? ` [check ${r.healthCheckId}]` : ' [check to create]'}`)
    .join('; ');
  const waiting = !complete ? 'the health checks are created first' : !votesReady ? notReady(app, intent) : undefined;
  actions.push({
    kind: 'records',
    resource: `route53:${recordName} ${desired[0]!.type}`,
    current,
    desired: wanted,
    change: plan === undefined || plan.changes.length > 0,
    ...(waiting ? { waiting } : {}),
  });
  if (apply && plan && plan.changes.length > 0 && !waiting) {
    await deps.dns.changeRecords(hostedZoneId, plan.changes, `failover-controller provision ${app.name} (${app.traffic.mode})`);
  }

  const nameServers = app.traffic.nameServers ?? (await deps.traffic.healthChecks.nameServers(hostedZoneId));
  if (!deps.store) {
    // Nothing to store them in: the config must carry them, and says so until it does.
    const configured = JSON.stringify(app.traffic.nameServers) === JSON.stringify(nameServers);
    actions.push({
      kind: 'setup',
      resource: `config:${app.name} traffic.nameServers`,
      current: app.traffic.nameServers?.join(', ') ?? 'not set',
      desired: nameServers.join(', '),
      change: !configured,
      ...(configured
        ? {}
        : { waiting: `put traffic.nameServers: [${nameServers.join(', ')}] in the config (no state table here to store them)` }),
    });
    return { app: app.name, mode: app.traffic.mode, actions };
  }
  const stored = await deps.store.getTrafficSetup(app.name);
  const setup: TrafficSetup = { app: app.name, mode: app.traffic.mode, nameServers, healthChecks: ids, provisionedAt: deps.now() };
  const same =
    stored &&
    stored.mode === setup.mode &&
    JSON.stringify(stored.nameServers) === JSON.stringify(nameServers) &&
    JSON.stringify(stored.healthChecks) === JSON.stringify(ids);
  actions.push({
    kind: 'setup',
    resource: `setup:${app.name}`,
    current: stored ? `name servers ${stored.nameServers.join(', ')}` : 'none',
    desired: `name servers ${nameServers.join(', ')}`,
    change: !same,
  });
  if (apply && !same) await deps.store.putTrafficSetup(setup);
  return { app: app.name, mode: app.traffic.mode, actions };
}

/** Put every vote alarm that is missing or differs; returns each alarm's state by `name@region`. */
async function provisionAlarms(
  app: AppConfig,
  deps: ProvisionDeps,
  apply: boolean,
  actions: ProvisionAction[],
): Promise<Map<string, Alarm['state']>> {
  const states = new Map<string, Alarm['state']>();
  const byVoter = new Map<string, AlarmSpec[]>();
  for (const region of app.regions)
    for (const voter of votersOf(app, region.name)) byVoter.set(voter, [...(byVoter.get(voter) ?? []), voteAlarm(app, region.name, voter)]);
  for (const [voter, specs] of byVoter) {
    const found = await deps.traffic.alarms.describeAlarms(
      voter,
      specs.map((s) => s.name),
    );
    for (const spec of specs) {
      const have = found.find((a) => a.spec.name === spec.name);
      const same = have !== undefined && JSON.stringify(sorted(have.spec)) === JSON.stringify(sorted(spec));
      if (have) states.set(`${spec.name}@${voter}`, have.state);
      actions.push({
        kind: 'alarm',
        resource: `cloudwatch:${voter} ${spec.name}`,
        current: have ? `${have.state}${same ? '' : ' (other settings)'}` : 'absent',
        desired: `Maximum ${spec.metricName} >= 1 over ${spec.periodSeconds} s, missing data ignored`,
        change: !same,
      });
      if (apply && !same) await deps.traffic.alarms.putAlarm(spec);
    }
  }
  return states;
}

/** Find a health check by its caller reference, or create it (apply); its id, if it exists now. */
async function healthCheck(
  deps: ProvisionDeps,
  existing: HealthCheck[],
  app: AppConfig,
  region: string,
  role: string,
  spec: HealthCheckSpec,
  apply: boolean,
  actions: ProvisionAction[],
): Promise<string | undefined> {
  const reference = callerReference(app.name, region, role, spec);
  const found = existing.find((c) => c.callerReference === reference);
  const what =
    spec.type === 'CLOUDWATCH_METRIC'
      ? `${spec.type} on ${spec.alarmRegion} ${spec.alarmName}`
      : spec.type === 'CALCULATED'
        ? `CALCULATED, healthy with ${spec.healthThreshold} of ${spec.childHealthChecks.length}`
        : `RECOVERY_CONTROL ${spec.routingControlArn}`;
  actions.push({
    kind: 'health-check',
    resource: `route53:${app.name} ${region} ${role}`,
    current: found ? `exists (${found.id})` : 'absent',
    desired: what,
    change: !found,
  });
  if (found) return found.id;
  if (!apply) return undefined;
  const created = await deps.traffic.healthChecks.createHealthCheck(reference, spec);
  existing.push(created);
  return created.id;
}

function notReady(app: AppConfig, intent: TrafficIntent): string {
  if (app.traffic.mode === 'routing-control')
    return `the routing controls do not say ${intent.serving} alone yet: set ${intent.serving} On and the others Off in ARC, then apply again`;
  return 'the votes have not reached the alarms yet (ALARM for every region out of DNS): apply again in a minute';
}

function sorted(spec: AlarmSpec): AlarmSpec {
  return { ...spec, dimensions: [...spec.dimensions].sort((a, b) => a.name.localeCompare(b.name)) };
}
