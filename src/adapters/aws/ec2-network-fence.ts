import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RebootDBInstanceCommand } from '@aws-sdk/client-rds';
import { PermanentError } from '../../errors/errors.js';
import type { DatabaseRef } from '../../ports/database-provider.js';
import { type IngressRule, type NetworkFence, type NetworkPathState, reachesPort } from '../../ports/network-fence.js';
import { awsCall } from './aws-errors.js';
import { awsLookup } from './aws-lookup.js';
import type { CloudClients } from './cloud-clients.js';

/** What the fence needs to know of a database: its groups, its port, and the instance to reboot. */
interface DatabaseNetwork {
  securityGroups: string[];
  port?: number;
  /** The DB instance whose reboot ends the open connections (an Aurora cluster's writer). */
  instanceId?: string;
}

/**
 * The network fence on AWS: the VPC security groups of an RDS DB instance
 * or an Aurora cluster (DescribeDBInstances / DescribeDBClusters), their
 * inbound rules (EC2 DescribeSecurityGroupRules), revoked by rule id
 * (RevokeSecurityGroupIngress) and authorized again from what they allowed
 * (AuthorizeSecurityGroupIngress). Only rules that reach the database's port
 * are touched, so a group the database shares keeps its other rules; but
 * every client of a shared group loses the database: give the database a
 * group of its own.
 *
 * A security group keeps allowing the connections it already tracks after
 * the rule that allowed them is removed ("Security group connection
 * tracking", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-connection-tracking.html:
 * changing a rule does not immediately interrupt tracked connections), so
 * the fence also reboots the database (RebootDBInstance restarts the
 * engine, "a momentary outage":
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RebootDBInstance.html),
 * which ends every connection; new ones meet the revoked rules.
 * The RevokeSecurityGroupIngress reference
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html)
 * advises describing the group afterwards, which `describe` is.
 */
export class Ec2NetworkFence implements NetworkFence {
  constructor(private readonly clients: CloudClients) {}

  async describe(ref: DatabaseRef): Promise<NetworkPathState> {
    const network = await this.network(ref);
    if (!network) return { ref, exists: false, securityGroups: [], open: [] };
    const rules = await this.inboundRules(ref.region, network.securityGroups);
    return { ref, exists: true, ...(network.port !== undefined ? { port: network.port } : {}), securityGroups: network.securityGroups, open: rules.filter((r) => reachesPort(r, network.port)) };
  }

  async revoke(ref: DatabaseRef, rules: IngressRule[]): Promise<void> {
    const client = this.clients.ec2(ref.region, 'change');
    for (const [groupId, ids] of byGroup(rules, (r) => r.ruleId)) {
      if (ids.some((id) => id === undefined)) throw new PermanentError(`RevokeSecurityGroupIngress ${groupId} (${ref.region}): a rule without its id cannot be revoked exactly`);
      await awsCall(`RevokeSecurityGroupIngress ${groupId} (${ref.region})`, () =>
        client.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ids as string[] })),
      );
    }
  }

  async resetConnections(ref: DatabaseRef): Promise<void> {
    const network = await this.network(ref);
    if (!network?.instanceId) throw new PermanentError(`RebootDBInstance ${where(ref)}: no DB instance to reboot`);
    const client = this.clients.rds(ref.region, 'change');
    await awsCall(`RebootDBInstance ${network.instanceId} (${ref.region})`, () => client.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: network.instanceId })));
  }

  async reopen(ref: DatabaseRef, rules: IngressRule[]): Promise<void> {
    const client = this.clients.ec2(ref.region, 'change');
    for (const [groupId, group] of byGroup(rules, (r) => r)) {
      await awsCall(`AuthorizeSecurityGroupIngress ${groupId} (${ref.region})`, () =>
        client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: group.map(ipPermission) })),
      );
    }
  }

  /** The database's groups and port, or undefined when no database holds the name. */
  private async network(ref: DatabaseRef): Promise<DatabaseNetwork | undefined> {
    const client = this.clients.rds(ref.region);
    if (ref.engine === 'rds') {
      const out = await awsLookup(`DescribeDBInstances ${where(ref)}`, ['DBInstanceNotFound', 'DBInstanceNotFoundFault'], () =>
        client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: ref.instanceId })),
      );
      const instance = out?.DBInstances?.[0];
      if (!instance) return undefined;
      const port = instance.Endpoint?.Port ?? instance.DbInstancePort;
      return { securityGroups: activeGroups(instance.VpcSecurityGroups), ...(port ? { port } : {}), instanceId: ref.instanceId };
    }
    const out = await awsLookup(`DescribeDBClusters ${where(ref)}`, ['DBClusterNotFoundFault', 'DBClusterNotFound'], () =>
      client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: ref.clusterId })),
    );
    const cluster = out?.DBClusters?.[0];
    if (!cluster) return undefined;
    const writer = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    return { securityGroups: activeGroups(cluster.VpcSecurityGroups), ...(cluster.Port ? { port: cluster.Port } : {}), ...(writer ? { instanceId: writer } : {}) };
  }

  /** Every inbound rule of the groups, following NextToken. */
  private async inboundRules(region: string, groups: string[]): Promise<IngressRule[]> {
    if (groups.length === 0) return [];
    const client = this.clients.ec2(region);
    const rules: IngressRule[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall(`DescribeSecurityGroupRules ${groups.join(',')} (${region})`, () =>
        client.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groups }], ...(token ? { NextToken: token } : {}) })),
      );
      rules.push(...(page.SecurityGroupRules ?? []).filter((r) => !r.IsEgress).map(toRule));
      token = page.NextToken;
    } while (token);
    return rules;
  }
}

function where(ref: DatabaseRef): string {
  return `${ref.engine === 'rds' ? ref.instanceId : ref.clusterId} (${ref.region})`;
}

/** Groups being attached or attached (not those being removed). */
function activeGroups(groups: { VpcSecurityGroupId?: string; Status?: string }[] | undefined): string[] {
  return (groups ?? []).filter((g) => g.VpcSecurityGroupId && g.Status !== 'removing' && g.Status !== 'inactive').map((g) => g.VpcSecurityGroupId!);
}

function toRule(rule: SecurityGroupRule): IngressRule {
  return {
    groupId: rule.GroupId ?? '?',
    ...(rule.SecurityGroupRuleId ? { ruleId: rule.SecurityGroupRuleId } : {}),
    protocol: rule.IpProtocol ?? '-1',
    ...(rule.FromPort !== undefined ? { fromPort: rule.FromPort } : {}),
    ...(rule.ToPort !== undefined ? { toPort: rule.ToPort } : {}),
    ...(rule.CidrIpv4 ? { cidrIpv4: rule.CidrIpv4 } : {}),
    ...(rule.CidrIpv6 ? { cidrIpv6: rule.CidrIpv6 } : {}),
    ...(rule.PrefixListId ? { prefixListId: rule.PrefixListId } : {}),
    ...(rule.ReferencedGroupInfo?.GroupId ? { sourceGroupId: rule.ReferencedGroupInfo.GroupId } : {}),
    ...(rule.Description ? { description: rule.Description } : {}),
  };
}

/** The permission that authorizes exactly what a saved rule allowed. */
function ipPermission(rule: IngressRule): IpPermission {
  const description = rule.description ? { Description: rule.description } : {};
  return {
    IpProtocol: rule.protocol,
    ...(rule.fromPort !== undefined ? { FromPort: rule.fromPort } : {}),
    ...(rule.toPort !== undefined ? { ToPort: rule.toPort } : {}),
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4, ...description }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...description }] } : {}),
    ...(rule.prefixListId ? { PrefixListIds: [{ PrefixListId: rule.prefixListId, ...description }] } : {}),
    ...(rule.sourceGroupId ? { UserIdGroupPairs: [{ GroupId: rule.sourceGroupId, ...description }] } : {}),
  };
}

function byGroup<T>(rules: IngressRule[], pick: (rule: IngressRule) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const rule of rules) groups.set(rule.groupId, [...(groups.get(rule.groupId) ?? []), pick(rule)]);
  return groups;
}
