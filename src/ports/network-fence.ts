import type { DatabaseRef } from './database-provider.js';

/**
 * One inbound rule of a security group, as the fence saves it: enough to
 * authorize the very same rule again. Exactly one source is set.
 */
export interface IngressRule {
  /** The security group the rule belongs to (`sg-…`). */
  groupId: string;
  /** The rule's own id (`sgr-…`), when the cloud gives rules ids: revoked by id, never by a lookalike. */
  ruleId?: string;
  /** `tcp`, `udp`, `icmp` or `-1` (all traffic). */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  /** Another security group (the application's), the usual source of a database rule. */
  sourceGroupId?: string;
  description?: string;
}

/** What stands between the application and one region's database, right now. */
export interface NetworkPathState {
  ref: DatabaseRef;
  /** A database holds the ref's name (a writer set aside under another name does not). */
  exists: boolean;
  /** The port clients connect to, when known. */
  port?: number;
  /** The VPC security groups attached to the database. */
  securityGroups: string[];
  /** Inbound rules of those groups that let clients reach the database's port: none left means fenced. */
  open: IngressRule[];
}

/**
 * Cuts (and restores) the network path from the application to one region's
 * database: the unplanned fence of an old writer. On AWS, the database's VPC
 * security groups (EC2 RevokeSecurityGroupIngress / AuthorizeSecurityGroupIngress)
 * and a reboot of the database, because a security group keeps allowing the
 * connections it already tracks until they time out; in the simulation, the
 * same semantics in memory. Every call goes to the database's own region, so
 * a region that does not answer fails it (transient): callers retry later.
 */
export interface NetworkFence {
  /** The database's security groups and the rules that let clients reach its port. */
  describe(ref: DatabaseRef): Promise<NetworkPathState>;
  /** Revoke these inbound rules (as `describe` returned them). */
  revoke(ref: DatabaseRef, rules: IngressRule[]): Promise<void>;
  /**
   * End every open connection to the database (a reboot): removing a rule
   * does not interrupt connections the security group already tracks.
   */
  resetConnections(ref: DatabaseRef): Promise<void>;
  /** Authorize rules revoked earlier again (rule ids change: the rules are matched by what they allow). */
  reopen(ref: DatabaseRef, rules: IngressRule[]): Promise<void>;
}

/** `tcp 5432 from sg-app`: one line per rule, for step messages and plans. */
export function describeRule(rule: IngressRule): string {
  const ports = rule.protocol === '-1' ? 'all traffic' : `${rule.protocol} ${rule.fromPort === rule.toPort ? rule.fromPort : `${rule.fromPort}-${rule.toPort}`}`;
  const source = rule.sourceGroupId ?? rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? 'anywhere';
  return `${rule.groupId}: ${ports} from ${source}`;
}

/** Whether a rule lets clients reach `port` (all traffic, or a TCP range that holds it). */
export function reachesPort(rule: Pick<IngressRule, 'protocol' | 'fromPort' | 'toPort'>, port: number | undefined): boolean {
  if (rule.protocol === '-1') return true;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  if (port === undefined) return true;
  return (rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535);
}
