import type { AppConfig } from '../config/types.js';
import type { ComputeGroupState } from '../ports/compute-provider.js';
import type { DatabaseState } from '../ports/database-provider.js';
import type { NetworkFenceRecord } from '../ports/state-store.js';
import { ago, isoSeconds } from './time-words.js';
import type { DriftFinding } from './world-report.js';

/** A stale writer a run renamed and kept (forensics), found still there. */
export interface SetAsideDatabase {
  region: string;
  identifier: string;
  /** When the run set it aside. */
  since: number;
  runId: string;
}

/** Everything drift compares: what the controller believes, and what it read. */
export interface DriftInput {
  app: AppConfig;
  now: number;
  /** Where the controller believes traffic goes. */
  activeRegion: string;
  /** Where DNS sends traffic as read now; undefined when it could not be told. */
  dnsRegion: string | undefined;
  /** Why DNS could not be told, when it could not. */
  dnsError?: string;
  /** Each region's database as read now (an Error when it could not be read: a lost region). */
  databases: Record<string, DatabaseState | Error>;
  /** The network fences of old writers. */
  fences: NetworkFenceRecord[];
  /** Each region's Auto Scaling group, when capacities are compared this time. */
  groups?: Record<string, ComputeGroupState | Error>;
  /** Stale writers set aside by runs and still there. */
  setAside?: SetAsideDatabase[];
}

/**
 * Where the world differs from what the controller believes, with the
 * commands that settle each difference. Pure. Not evaluated while a run is
 * in progress: a run moves the world through such states on purpose.
 */
export function driftFindings(input: DriftInput): DriftFinding[] {
  return [...writerFindings(input), ...trafficFindings(input), ...capacityFindings(input), ...setAsideFindings(input)];
}

function writers(input: DriftInput): string[] {
  return Object.entries(input.databases)
    .filter(([, db]) => !(db instanceof Error) && db.exists && db.role === 'writer')
    .map(([region]) => region);
}

function writerFindings(input: DriftInput): DriftFinding[] {
  const { app } = input;
  const all = writers(input);
  if (all.length < 2) return [];
  // The writer the application should be using: an unfenced one, the one traffic goes to, else the active region's.
  const fenced = new Set(input.fences.filter((f) => f.state === 'fenced').map((f) => f.region));
  const live = all.filter((r) => !fenced.has(r));
  const candidates = live.length > 0 ? live : all;
  const keep = candidates.includes(input.dnsRegion ?? '') ? input.dnsRegion! : candidates.includes(input.activeRegion) ? input.activeRegion : candidates[0]!;
  return all
    .filter((r) => r !== keep)
    .map((region) => {
      const label = describeDb(app, region);
      const fence = input.fences.find((f) => f.region === region && f.state === 'fenced');
      const pending = input.fences.find((f) => f.region === region && f.state === 'pending');
      const settle = region === app.regions[0]!.name ? [`failover plan --app ${app.name} --kind failback`, `failover failback --app ${app.name} --reason "rebuild the stale writer in ${region}"`] : [`aws rds stop-db-instance --db-instance-identifier ${dbId(app, region)} --region ${region}`];
      if (fence) {
        const since = fence.fencedAt !== undefined ? ` since ${isoSeconds(fence.fencedAt)} (${ago(input.now - fence.fencedAt)})` : '';
        return { id: 'fenced-writer', region, status: 'warning' as const, sentence: `${label} is still a writer beside ${keep}, fenced off the network${since}: it takes no writes, and a failback rebuilds it as a replica`, commands: settle };
      }
      const why = pending ? `; its network fence is pending (${pending.lastError ?? 'not in force yet'}) and is tried again every round` : '';
      return { id: 'two-writers', region, status: 'failing' as const, sentence: `two writers: ${label} and the database in ${keep} both accept writes${why}`, commands: [`failover status --app ${app.name}`, ...settle] };
    });
}

function trafficFindings(input: DriftInput): DriftFinding[] {
  const { app } = input;
  if (input.dnsRegion === undefined) {
    const sentence = `where DNS sends ${app.name}'s traffic could not be read${input.dnsError ? `: ${input.dnsError}` : ''}`;
    return [{ id: 'dns-unreadable', region: input.activeRegion, status: 'warning', sentence, commands: [`dig +short ${app.regions[0]!.dns.recordName}`] }];
  }
  // A writer fenced off the network takes no writes: the one that does is the one traffic must reach.
  const fenced = new Set(input.fences.filter((f) => f.state === 'fenced').map((f) => f.region));
  const live = writers(input).filter((r) => !fenced.has(r));
  if (live.length !== 1 || live[0] === input.dnsRegion) return [];
  const writer = live[0]!;
  return [
    {
      id: 'traffic-off-writer',
      region: input.dnsRegion,
      status: 'failing',
      sentence: `DNS sends ${app.name}'s traffic to ${input.dnsRegion}, but its only writer is in ${writer}: writes fail or reach a read replica`,
      commands: [`failover plan --app ${app.name} --kind failover --to ${input.dnsRegion}`, `failover status --app ${app.name}`],
    },
  ];
}

function capacityFindings(input: DriftInput): DriftFinding[] {
  const { app, groups } = input;
  if (!groups) return [];
  const primary = app.regions[0]!.name;
  const findings: DriftFinding[] = [];
  for (const region of app.regions) {
    const group = groups[region.name];
    if (!group || group instanceof Error) continue;
    const c = region.compute;
    const set = (desired: number, min: number, max?: number) =>
      `aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${c.autoScalingGroup} --min-size ${min} --desired-capacity ${desired}${max !== undefined ? ` --max-size ${max}` : ''} --region ${region.name}`;
    if (region.name === input.activeRegion) {
      if (group.desiredCapacity < c.activeCapacity) {
        findings.push({ id: 'active-capacity', region: region.name, status: 'warning', sentence: `the active region's group ${c.autoScalingGroup} wants ${group.desiredCapacity}, below activeCapacity ${c.activeCapacity}`, commands: [set(c.activeCapacity, Math.min(group.minSize, c.activeCapacity))] });
      }
      continue;
    }
    // After a failover the lost region keeps its capacity on purpose (failback is faster); at home, a standby above its capacity is a leftover that bills.
    if (input.activeRegion !== primary) continue;
    if (group.desiredCapacity > c.standbyCapacity) {
      findings.push({ id: 'standby-capacity', region: region.name, status: 'warning', sentence: `the standby group ${c.autoScalingGroup} is left at ${group.desiredCapacity}, above standbyCapacity ${c.standbyCapacity}: it bills as if active`, commands: [set(c.standbyCapacity, c.standbyMinSize, c.standbyMaxSize)] });
    } else if (c.standbyMaxSize !== undefined && group.maxSize !== c.standbyMaxSize) {
      findings.push({ id: 'standby-max-size', region: region.name, status: 'warning', sentence: `the standby group ${c.autoScalingGroup} has MaxSize ${group.maxSize}, not its standbyMaxSize ${c.standbyMaxSize} (a failover raised it)`, commands: [set(group.desiredCapacity, Math.min(group.minSize, c.standbyMaxSize), c.standbyMaxSize)] });
    }
  }
  return findings;
}

function setAsideFindings(input: DriftInput): DriftFinding[] {
  return (input.setAside ?? []).map((s) => ({
    id: 'set-aside',
    region: s.region,
    status: 'warning' as const,
    sentence: `the stale writer set aside as ${s.identifier} in ${s.region} by run ${s.runId} is still there after ${ago(input.now - s.since)} (since ${isoSeconds(s.since)}): kept for forensics, and billed`,
    commands: [`aws rds delete-db-instance --db-instance-identifier ${s.identifier} --final-db-snapshot-identifier ${s.identifier}-final --region ${s.region}`],
  }));
}

function describeDb(app: AppConfig, region: string): string {
  return `the database ${dbId(app, region)} in ${region}`;
}

function dbId(app: AppConfig, region: string): string {
  const db = app.regions.find((r) => r.name === region)?.database;
  if (!db) return region;
  return db.engine === 'rds' ? db.instanceId : db.clusterId;
}
