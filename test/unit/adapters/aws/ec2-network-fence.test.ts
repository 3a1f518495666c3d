import { beforeEach, describe, expect, it } from 'vitest';
import { Ec2NetworkFence } from '../../../../src/adapters/aws/ec2-network-fence.js';
import { MemoryStateStore } from '../../../../src/adapters/memory/memory-state-store.js';
import type { DatabaseRef } from '../../../../src/ports/database-provider.js';
import { attemptFence, openFence } from '../../../../src/runbook/steps/fence-attempt.js';
import { AwsNock, STILL_CLOCK, useAwsNock, dbInstanceXml, describeDbInstancesResult, securityGroupRuleXml } from '../../../support/aws-nock.js';

const OLD_WRITER: DatabaseRef = { engine: 'rds', region: 'us-east-1', instanceId: 'shop-db-use1' };
const clock = STILL_CLOCK;

/** The old writer on port 5432, in its own group sg-db; sg-old is being removed from it and must not be touched. */
const WRITER = describeDbInstancesResult(
  dbInstanceXml({
    region: 'us-east-1',
    id: 'shop-db-use1',
    extra:
      '<Endpoint><Address>shop-db-use1.abc.us-east-1.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>' +
      '<VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-db</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership>' +
      '<VpcSecurityGroupMembership><VpcSecurityGroupId>sg-old</VpcSecurityGroupId><Status>removing</Status></VpcSecurityGroupMembership></VpcSecurityGroups>',
  }),
);
const APP_RULE = securityGroupRuleXml({ id: 'sgr-app', group: 'sg-db', protocol: 'tcp', from: 5432, to: 5432, sourceGroup: 'sg-app', description: 'app servers' });
const VPC_RULE = securityGroupRuleXml({ id: 'sgr-vpc', group: 'sg-db', protocol: '-1', cidr: '10.0.0.0/8' });
const SSH_RULE = securityGroupRuleXml({ id: 'sgr-ssh', group: 'sg-db', protocol: 'tcp', from: 22, to: 22, cidr: '10.1.0.0/16' });
const EGRESS = securityGroupRuleXml({ id: 'sgr-out', group: 'sg-db', egress: true, protocol: '-1', cidr: '0.0.0.0/0' });

const nocked = useAwsNock();
let fence: Ec2NetworkFence;
let aws: AwsNock;
beforeEach(() => {
  fence = new Ec2NetworkFence(nocked.clients);
  aws = nocked.aws;
});

describe('the network fence on EC2 and RDS wire formats', () => {
  it('reads the inbound rules of the database’s active groups on its port, every page (DescribeSecurityGroupRules, NextToken)', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', WRITER);
    aws.ec2Ok('us-east-1', 'DescribeSecurityGroupRules', `<securityGroupRuleSet>${APP_RULE}${EGRESS}</securityGroupRuleSet><nextToken>page-2</nextToken>`);
    aws.ec2Ok('us-east-1', 'DescribeSecurityGroupRules', `<securityGroupRuleSet>${VPC_RULE}${SSH_RULE}</securityGroupRuleSet>`);
    const path = await fence.describe(OLD_WRITER);
    expect(path).toMatchObject({ exists: true, port: 5432, securityGroups: ['sg-db'] });
    // Egress never, and a rule for another port (SSH) is left alone.
    expect(path.open.map((r) => r.ruleId)).toEqual(['sgr-app', 'sgr-vpc']);
    expect(path.open[0]).toEqual({ groupId: 'sg-db', ruleId: 'sgr-app', protocol: 'tcp', fromPort: 5432, toPort: 5432, sourceGroupId: 'sg-app', description: 'app servers' });
    expect(aws.ec2.map((c) => c.params)).toEqual([
      expect.objectContaining({ Action: 'DescribeSecurityGroupRules', 'Filter.1.Name': 'group-id', 'Filter.1.Value.1': 'sg-db' }),
      expect.objectContaining({ Action: 'DescribeSecurityGroupRules', 'Filter.1.Value.1': 'sg-db', NextToken: 'page-2' }),
    ]);
    expect(aws.ec2[0]!.params).not.toHaveProperty('Filter.1.Value.2');
    aws.done();
  });

  it('revokes by rule id, reboots the instance to end tracked connections, and authorizes exactly what was revoked', async () => {
    aws.rdsOk('us-east-1', 'DescribeDBInstances', WRITER);
    aws.ec2Ok('us-east-1', 'DescribeSecurityGroupRules', `<securityGroupRuleSet>${APP_RULE}${VPC_RULE}</securityGroupRuleSet>`);
    const { open } = await fence.describe(OLD_WRITER);
    aws.ec2Ok('us-east-1', 'RevokeSecurityGroupIngress', '<return>true</return>');
    await fence.revoke(OLD_WRITER, open);
    aws.rdsOk('us-east-1', 'DescribeDBInstances', WRITER);
    aws.rdsOk('us-east-1', 'RebootDBInstance', dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', status: 'rebooting' }));
    await fence.resetConnections(OLD_WRITER);
    aws.ec2Ok('us-east-1', 'AuthorizeSecurityGroupIngress', '<return>true</return>');
    await fence.reopen(OLD_WRITER, open);

    expect(aws.ec2[1]!.params).toEqual({ Action: 'RevokeSecurityGroupIngress', Version: '2016-11-15', GroupId: 'sg-db', 'SecurityGroupRuleId.1': 'sgr-app', 'SecurityGroupRuleId.2': 'sgr-vpc' });
    expect(aws.rds.at(-1)!.params).toEqual({ Action: 'RebootDBInstance', Version: '2014-10-31', DBInstanceIdentifier: 'shop-db-use1' });
    expect(aws.ec2[2]!.params).toEqual({
      Action: 'AuthorizeSecurityGroupIngress',
      Version: '2016-11-15',
      GroupId: 'sg-db',
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '5432',
      'IpPermissions.1.ToPort': '5432',
      'IpPermissions.1.Groups.1.GroupId': 'sg-app',
      'IpPermissions.1.Groups.1.Description': 'app servers',
      'IpPermissions.2.IpProtocol': '-1',
      'IpPermissions.2.IpRanges.1.CidrIp': '10.0.0.0/8',
    });
    aws.done();
  });

  it('a revoke whose answer was lost: the repeat meets InvalidPermission.NotFound, the fence stays pending, and the next attempt finds the rules gone and finishes', async () => {
    const store = new MemoryStateStore();
    const request = { app: 'shop', region: 'us-east-1', database: 'rds:shop-db-use1 (us-east-1)', runId: 'run-1', stepId: 'fence-old-writer', writerRegion: 'eu-west-1' };
    const deps = { fence, store, clock };
    const record = await openFence(store, request, clock.now());

    // First attempt: the rules are read, and the revoke is refused as already done (RevokeSecurityGroupIngress: "InvalidPermission.NotFound").
    aws.rdsOk('us-east-1', 'DescribeDBInstances', WRITER);
    aws.ec2Ok('us-east-1', 'DescribeSecurityGroupRules', `<securityGroupRuleSet>${APP_RULE}</securityGroupRuleSet>`);
    aws.ec2Error('us-east-1', 'RevokeSecurityGroupIngress', 400, 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    const first = await attemptFence(deps, OLD_WRITER, record, 5_000);
    expect(first).toMatchObject({ state: 'pending', attempts: 1, connectionsReset: false, revoked: [expect.objectContaining({ ruleId: 'sgr-app' })] });
    expect(first.lastError).toMatch(/InvalidPermission\.NotFound/);

    // Second attempt: nothing open any more, so nothing is revoked twice; the reboot ends the tracked connections.
    aws.rdsOk('us-east-1', 'DescribeDBInstances', WRITER);
    aws.ec2Ok('us-east-1', 'DescribeSecurityGroupRules', '<securityGroupRuleSet/>');
    aws.rdsOk('us-east-1', 'DescribeDBInstances', WRITER);
    aws.rdsOk('us-east-1', 'RebootDBInstance', dbInstanceXml({ region: 'us-east-1', id: 'shop-db-use1', status: 'rebooting' }));
    const second = await attemptFence(deps, OLD_WRITER, first, 5_000);
    expect(second).toMatchObject({ state: 'fenced', attempts: 2, connectionsReset: true });
    // What it revoked is still on record, for the failback to restore.
    expect(second.revoked.map((r) => r.ruleId)).toEqual(['sgr-app']);
    expect(aws.ec2.filter((c) => c.params['Action'] === 'RevokeSecurityGroupIngress')).toHaveLength(1);
    aws.done();
  });

  it('an Aurora cluster: its groups and port from DescribeDBClusters, and the writer instance is the one rebooted', async () => {
    const cluster: DatabaseRef = { engine: 'aurora-global', region: 'us-east-1', globalClusterId: 'shop-global', clusterId: 'shop-use1' };
    const clusterXml =
      `<DBClusters><DBCluster><DBClusterIdentifier>shop-use1</DBClusterIdentifier><Status>available</Status><Port>3306</Port>` +
      `<VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-aurora</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups>` +
      `<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>shop-use1-b</DBInstanceIdentifier><IsClusterWriter>false</IsClusterWriter></DBClusterMember>` +
      `<DBClusterMember><DBInstanceIdentifier>shop-use1-a</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember></DBClusterMembers></DBCluster></DBClusters>`;
    aws.rdsOk('us-east-1', 'DescribeDBClusters', clusterXml);
    aws.ec2Ok('us-east-1', 'DescribeSecurityGroupRules', `<securityGroupRuleSet>${securityGroupRuleXml({ id: 'sgr-my', group: 'sg-aurora', protocol: 'tcp', from: 3306, to: 3306, cidr: '10.0.0.0/16' })}</securityGroupRuleSet>`);
    expect(await fence.describe(cluster)).toMatchObject({ exists: true, port: 3306, securityGroups: ['sg-aurora'], open: [{ ruleId: 'sgr-my', cidrIpv4: '10.0.0.0/16' }] });
    aws.rdsOk('us-east-1', 'DescribeDBClusters', clusterXml);
    aws.rdsOk('us-east-1', 'RebootDBInstance', dbInstanceXml({ region: 'us-east-1', id: 'shop-use1-a', status: 'rebooting' }));
    await fence.resetConnections(cluster);
    expect(aws.rds.at(-1)!.params).toMatchObject({ Action: 'RebootDBInstance', DBInstanceIdentifier: 'shop-use1-a' });
    aws.done();
  });

  it('a database that no longer exists (set aside) reads as nothing to fence', async () => {
    aws.rdsError('us-east-1', 'DescribeDBInstances', 404, 'DBInstanceNotFound', 'DBInstance shop-db-use1 not found.');
    expect(await fence.describe(OLD_WRITER)).toEqual({ ref: OLD_WRITER, exists: false, securityGroups: [], open: [] });
    aws.done();
  });
});
