import { PermanentError } from '../../errors/errors.js';
import type { DatabaseRef } from '../../ports/database-provider.js';
import { type IngressRule, type NetworkFence, type NetworkPathState, reachesPort } from '../../ports/network-fence.js';
import type { SimCloud } from './sim-cloud.js';
import { databaseId, type SimDatabase } from './sim-database.js';
import type { SimDatabaseObserver } from './sim-database-observer.js';

/** The port every simulated database listens on. */
export const SIM_DB_PORT = 5432;

/** The security group of one database name, JSON-safe. */
interface SimGroup {
  region: string;
  /** The inbound rules in force. */
  rules: IngressRule[];
}

/** Everything a SimNetworkFence holds that must survive a restart: the security groups whose rules changed. */
export interface SimNetworkFenceSnapshot {
  groups: (SimGroup & { database: string })[];
  nextRule: number;
}

/**
 * The simulated network path from the application to its databases, with
 * the semantics an unplanned fence relies on. Each database name has one
 * security group (`sg-<name>`) that lets the region's application
 * instances in on the database's port until its rules are revoked. As on
 * AWS, revoking a rule does not end connections already open: they go on
 * until the database reboots (RebootDBInstance, or a rename, which
 * reboots it). The group belongs to the name, not to the database that
 * holds it: a replica rebuilt under the name of a stale writer gets the
 * original groups (and so the revoked rules), as CreateDBInstanceReadReplica
 * is asked to give it. Calls go through the simulated cloud (region
 * availability, faults, call log) like the other services'.
 */
export class SimNetworkFence implements NetworkFence, SimDatabaseObserver {
  private readonly groups = new Map<string, SimGroup>();
  /** Open connections: client → the database name it connected to. */
  private readonly connections = new Map<string, string>();
  private nextRule = 1;

  constructor(
    private readonly cloud: SimCloud,
    private readonly database: SimDatabase,
  ) {}

  async describe(ref: DatabaseRef): Promise<NetworkPathState> {
    const name = databaseId(ref);
    return this.cloud.call('ec2', 'DescribeSecurityGroupRules', ref.region, groupId(name), () => ({
      ref,
      exists: this.database.ids().includes(name),
      port: SIM_DB_PORT,
      securityGroups: [groupId(name)],
      open: this.group(name, ref.region).rules.filter((r) => reachesPort(r, SIM_DB_PORT)).map((r) => ({ ...r })),
    }));
  }

  async revoke(ref: DatabaseRef, rules: IngressRule[]): Promise<void> {
    const name = databaseId(ref);
    return this.cloud.call('ec2', 'RevokeSecurityGroupIngress', ref.region, groupId(name), () => {
      const group = this.group(name, ref.region);
      const missing = rules.find((rule) => !group.rules.some((r) => r.ruleId === rule.ruleId));
      if (missing) throw new PermanentError(`RevokeSecurityGroupIngress: InvalidSecurityGroupRuleId.NotFound: ${missing.ruleId ?? '?'} is not a rule of ${groupId(name)}`);
      group.rules = group.rules.filter((r) => !rules.some((rule) => rule.ruleId === r.ruleId));
      this.groups.set(name, group);
    });
  }

  async resetConnections(ref: DatabaseRef): Promise<void> {
    const name = databaseId(ref);
    return this.cloud.call('rds', 'RebootDBInstance', ref.region, name, () => {
      if (!this.database.ids().includes(name)) throw new PermanentError(`RebootDBInstance: DBInstanceNotFound: ${name}`);
      this.dropConnectionsTo(name);
    });
  }

  async reopen(ref: DatabaseRef, rules: IngressRule[]): Promise<void> {
    const name = databaseId(ref);
    return this.cloud.call('ec2', 'AuthorizeSecurityGroupIngress', ref.region, groupId(name), () => {
      const group = this.group(name, ref.region);
      const duplicate = rules.find((rule) => group.rules.some((r) => sameAccess(r, rule)));
      if (duplicate) throw new PermanentError(`AuthorizeSecurityGroupIngress: InvalidPermission.Duplicate: ${groupId(name)} already allows that`);
      group.rules = [...group.rules, ...rules.map((rule) => ({ ...rule, ruleId: `sgr-sim${String(this.nextRule++).padStart(8, '0')}` }))];
      this.groups.set(name, group);
    });
  }

  /**
   * The simulated application's side: the database name `client` is
   * connected to, connecting first when it has no connection. A new
   * connection needs the name to exist and an inbound rule on its port; an
   * open one lasts until the database reboots or `disconnect`.
   */
  connect(client: string, ref: DatabaseRef): string | undefined {
    const open = this.connections.get(client);
    if (open !== undefined) return open;
    const name = databaseId(ref);
    if (!this.database.ids().includes(name)) return undefined;
    if (!this.group(name, ref.region).rules.some((r) => reachesPort(r, SIM_DB_PORT))) return undefined;
    this.connections.set(client, name);
    return name;
  }

  /** The client's instances are gone (scaled to zero): their connections with them. */
  disconnect(client: string): void {
    this.connections.delete(client);
  }

  /** Renaming an RDS instance reboots it: its connections end (the name's group stays with the name). */
  renamed(oldId: string): void {
    this.dropConnectionsTo(oldId);
  }

  /** The groups whose rules differ from the default, and the rule counter. */
  snapshot(): SimNetworkFenceSnapshot {
    return { groups: [...this.groups].map(([database, group]) => ({ database, ...structuredClone(group) })), nextRule: this.nextRule };
  }

  /** Replace every group with a snapshot's (connections are not state of the cloud: a restart drops them). */
  restore(snapshot: SimNetworkFenceSnapshot): void {
    this.groups.clear();
    this.connections.clear();
    for (const { database, ...group } of snapshot.groups) this.groups.set(database, structuredClone(group));
    this.nextRule = snapshot.nextRule;
  }

  private group(name: string, region: string): SimGroup {
    // A name never changed has its default rule: the application's instances in on the database port.
    return structuredClone(this.groups.get(name) ?? { region, rules: [defaultRule(name, region)] });
  }

  private dropConnectionsTo(name: string): void {
    for (const [client, db] of this.connections) if (db === name) this.connections.delete(client);
  }
}

function groupId(name: string): string {
  return `sg-${name}`;
}

function defaultRule(name: string, region: string): IngressRule {
  return { groupId: groupId(name), ruleId: `sgr-${name}`, protocol: 'tcp', fromPort: SIM_DB_PORT, toPort: SIM_DB_PORT, sourceGroupId: `sg-app-${region}`, description: 'application instances' };
}

/** Two rules that allow the same traffic (ids and descriptions aside). */
function sameAccess(a: IngressRule, b: IngressRule): boolean {
  return a.groupId === b.groupId && a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.cidrIpv4 === b.cidrIpv4 && a.cidrIpv6 === b.cidrIpv6 && a.prefixListId === b.prefixListId && a.sourceGroupId === b.sourceGroupId;
}
