/**
 * Every IAM action the AWS adapters call, per adapter file: the single
 * source of truth for the Lambda roles (src/deploy/iam-policy.ts builds
 * them from this list) and for the tests that check them. A unit test reads
 * each adapter file, maps the SDK commands it sends to IAM actions with
 * COMMAND_ACTIONS below, and fails when this list and the code disagree, so
 * an adapter cannot start calling something its role does not allow (or
 * keep a permission it no longer uses).
 */

/** What an action is for: `read` only looks; `act` changes something (or follows a change it made). */
export type IamAccess = 'read' | 'act';

/**
 * The kind of resource an action is scoped to. `any` means AWS offers no
 * resource-level permission for the action, so the statement must say
 * Resource "*" (documented in the README's deployment section).
 */
export type IamResourceKind =
  | 'state-table'
  | 'hosted-zone'
  | 'route53-change'
  | 'db-instance'
  | 'db-cluster'
  | 'runbook-function'
  | 'reader-function'
  | 'auto-scaling-group'
  | 'security-group'
  | 'db-instance-settings'
  | 'db-cluster-snapshot'
  | 'kms-key'
  | 'rds-monitoring-role'
  | 'fenced-db-instance'
  | 'sns-topic'
  | 'runbook-role'
  // The step library of user runbooks: the services, functions, documents and datastores their steps name.
  | 'ecs-service'
  | 'runbook-function-target'
  | 'automation-definition'
  | 'automation-execution'
  | 'global-datastore'
  | 'any';

/**
 * One action, who calls it and what it is scoped to. An action two adapters
 * call for different purposes (lambda:InvokeFunction: the dispatcher on the
 * runbook function, the read transport on the reader function) has one entry
 * per adapter, so that each function's role gets it on its own resources.
 */
export interface IamActionSpec {
  action: string;
  /** The adapter file under src/adapters/aws/ that calls it. */
  adapter: string;
  access: IamAccess;
  resource: IamResourceKind;
  /**
   * Set for a permission AWS checks on behalf of another action the adapter
   * calls, with no SDK command of its own (a KMS grant for an encrypted
   * replica, passing the monitoring role): that action.
   */
  requiredBy?: string;
}

/** The actions the deployed functions call. */
export const IAM_ACTIONS: readonly IamActionSpec[] = [
  // StateStore on DynamoDB: items of the state table and queries on its two GSIs.
  { action: 'dynamodb:GetItem', adapter: 'dynamodb-state-store.ts', access: 'read', resource: 'state-table' },
  { action: 'dynamodb:Query', adapter: 'dynamodb-state-store.ts', access: 'read', resource: 'state-table' },
  { action: 'dynamodb:PutItem', adapter: 'dynamodb-state-store.ts', access: 'act', resource: 'state-table' },
  { action: 'dynamodb:UpdateItem', adapter: 'dynamodb-state-store.ts', access: 'act', resource: 'state-table' },
  { action: 'dynamodb:BatchWriteItem', adapter: 'dynamodb-state-store.ts', access: 'act', resource: 'state-table' },
  // Route 53: read the records, change them in one batch, follow the change.
  { action: 'route53:ListResourceRecordSets', adapter: 'route53-dns.ts', access: 'read', resource: 'hosted-zone' },
  { action: 'route53:ChangeResourceRecordSets', adapter: 'route53-dns.ts', access: 'act', resource: 'hosted-zone' },
  { action: 'route53:GetChange', adapter: 'route53-dns.ts', access: 'act', resource: 'route53-change' },
  // RDS DB instances with cross-region read replicas.
  { action: 'rds:DescribeDBInstances', adapter: 'rds-database.ts', access: 'read', resource: 'db-instance' },
  { action: 'rds:PromoteReadReplica', adapter: 'rds-database.ts', access: 'act', resource: 'db-instance' },
  { action: 'rds:CreateDBInstanceReadReplica', adapter: 'rds-database.ts', access: 'act', resource: 'db-instance' },
  { action: 'rds:ModifyDBInstance', adapter: 'rds-database.ts', access: 'act', resource: 'db-instance' },
  // A replica rebuilt with the settings of the instance it replaces names its option, parameter and subnet groups, which the
  // action is checked against too; its tags, its monitoring role and (encrypted, across regions) the region's KMS key.
  { action: 'rds:CreateDBInstanceReadReplica', adapter: 'rds-database.ts', access: 'act', resource: 'db-instance-settings', requiredBy: 'rds:CreateDBInstanceReadReplica' },
  { action: 'rds:AddTagsToResource', adapter: 'rds-database.ts', access: 'act', resource: 'db-instance', requiredBy: 'rds:CreateDBInstanceReadReplica' },
  { action: 'iam:PassRole', adapter: 'rds-database.ts', access: 'act', resource: 'rds-monitoring-role', requiredBy: 'rds:CreateDBInstanceReadReplica' },
  { action: 'kms:CreateGrant', adapter: 'rds-database.ts', access: 'act', resource: 'kms-key', requiredBy: 'rds:CreateDBInstanceReadReplica' },
  { action: 'kms:DescribeKey', adapter: 'rds-database.ts', access: 'act', resource: 'kms-key', requiredBy: 'rds:CreateDBInstanceReadReplica' },
  // Aurora global databases.
  { action: 'rds:DescribeGlobalClusters', adapter: 'aurora-global.ts', access: 'read', resource: 'db-cluster' },
  { action: 'rds:DescribeDBClusters', adapter: 'aurora-global.ts', access: 'read', resource: 'db-cluster' },
  { action: 'rds:FailoverGlobalCluster', adapter: 'aurora-global.ts', access: 'act', resource: 'db-cluster' },
  { action: 'rds:SwitchoverGlobalCluster', adapter: 'aurora-global.ts', access: 'act', resource: 'db-cluster' },
  { action: 'rds:ModifyDBCluster', adapter: 'aurora-global.ts', access: 'act', resource: 'db-cluster' },
  // The approved fallback when managed failover is impossible: detach the secondary (cluster and global cluster).
  { action: 'rds:RemoveFromGlobalCluster', adapter: 'aurora-global.ts', access: 'act', resource: 'db-cluster' },
  // The writes an unplanned failover lost: the old primary's snapshot, copied to a manual one with its tags. Only the runbook
  // worker looks for it (the failback's retire step), so the read counts with the act.
  { action: 'rds:DescribeDBClusterSnapshots', adapter: 'aurora-lost-writes.ts', access: 'act', resource: 'db-cluster' },
  { action: 'rds:CopyDBClusterSnapshot', adapter: 'aurora-lost-writes.ts', access: 'act', resource: 'db-cluster-snapshot' },
  { action: 'rds:AddTagsToResource', adapter: 'aurora-lost-writes.ts', access: 'act', resource: 'db-cluster-snapshot', requiredBy: 'rds:CopyDBClusterSnapshot' },
  // Replication lag from CloudWatch: GetMetricData has no resource-level permissions.
  { action: 'cloudwatch:GetMetricData', adapter: 'replica-lag.ts', access: 'read', resource: 'any' },
  // The health-checks traffic switch: each stack votes in its own region (PutMetricData has no resource-level permission).
  { action: 'cloudwatch:PutMetricData', adapter: 'cloudwatch-votes.ts', access: 'act', resource: 'any' },
  // The routing-control switch: ARC's cluster data plane (routing controls take no resource-level permission here either).
  { action: 'route53-recovery-cluster:GetRoutingControlState', adapter: 'arc-routing-controls.ts', access: 'read', resource: 'any' },
  { action: 'route53-recovery-cluster:UpdateRoutingControlStates', adapter: 'arc-routing-controls.ts', access: 'act', resource: 'any' },
  // Auto Scaling: Describe* actions have no resource-level permissions; updates are scoped to the groups.
  { action: 'autoscaling:DescribeAutoScalingGroups', adapter: 'autoscaling-compute.ts', access: 'read', resource: 'any' },
  // Why a group is short of capacity (failed launches) shows only in its scaling activities.
  { action: 'autoscaling:DescribeScalingActivities', adapter: 'autoscaling-compute.ts', access: 'read', resource: 'any' },
  { action: 'autoscaling:UpdateAutoScalingGroup', adapter: 'autoscaling-compute.ts', access: 'act', resource: 'auto-scaling-group' },
  // The network fence of an old writer: its security groups' inbound rules, and a reboot that ends the connections they still track.
  { action: 'rds:DescribeDBInstances', adapter: 'ec2-network-fence.ts', access: 'read', resource: 'db-instance' },
  { action: 'rds:DescribeDBClusters', adapter: 'ec2-network-fence.ts', access: 'read', resource: 'db-cluster' },
  // EC2 Describe* actions have no resource-level permissions.
  { action: 'ec2:DescribeSecurityGroupRules', adapter: 'ec2-network-fence.ts', access: 'read', resource: 'any' },
  { action: 'ec2:RevokeSecurityGroupIngress', adapter: 'ec2-network-fence.ts', access: 'act', resource: 'security-group' },
  { action: 'ec2:AuthorizeSecurityGroupIngress', adapter: 'ec2-network-fence.ts', access: 'act', resource: 'security-group' },
  { action: 'rds:RebootDBInstance', adapter: 'ec2-network-fence.ts', access: 'act', resource: 'fenced-db-instance' },
  // Notifications of decisions that act or page, to the configured topic.
  { action: 'sns:Publish', adapter: 'sns-notifier.ts', access: 'act', resource: 'sns-topic' },
  { action: 'iam:SimulatePrincipalPolicy', adapter: 'iam-permissions.ts', access: 'read', resource: 'runbook-role' },
  // Hand a new run to the runbook worker of this region.
  { action: 'lambda:InvokeFunction', adapter: 'lambda-dispatcher.ts', access: 'act', resource: 'runbook-function' },
  // Read the world through the reader function of this region (the API: active region, dry-run plans).
  { action: 'lambda:InvokeFunction', adapter: 'lambda-read-transport.ts', access: 'read', resource: 'reader-function' },
  // The step library of user runbooks (ECS, Lambda, SSM Automation, ElastiCache): granted only on the resources the
  // configuration names for them (iam-policy.ts), so a deployment whose runbooks use none of these services gets none.
  { action: 'ecs:DescribeServices', adapter: 'ecs-services.ts', access: 'read', resource: 'ecs-service' },
  { action: 'ecs:UpdateService', adapter: 'ecs-services.ts', access: 'act', resource: 'ecs-service' },
  { action: 'lambda:InvokeFunction', adapter: 'lambda-invoker.ts', access: 'act', resource: 'runbook-function-target' },
  { action: 'ssm:StartAutomationExecution', adapter: 'ssm-automation.ts', access: 'act', resource: 'automation-definition' },
  // Follows an execution it started, like route53:GetChange.
  { action: 'ssm:GetAutomationExecution', adapter: 'ssm-automation.ts', access: 'act', resource: 'automation-execution' },
  { action: 'elasticache:DescribeGlobalReplicationGroups', adapter: 'elasticache-global.ts', access: 'read', resource: 'global-datastore' },
  { action: 'elasticache:FailoverGlobalReplicationGroup', adapter: 'elasticache-global.ts', access: 'act', resource: 'global-datastore' },
];

/** The adapters of the step library's services (IAM_ACTIONS names them by file). */
export const STEP_LIBRARY_ADAPTERS: ReadonlySet<string> = new Set([
  'ecs-services.ts',
  'lambda-invoker.ts',
  'ssm-automation.ts',
  'elasticache-global.ts',
]);

/**
 * Actions an adapter calls only outside Lambda: DynamoStateStore.ensureTable
 * creates the table for local mode and tests; on AWS the stack creates it,
 * so no function role gets these.
 */
export const LOCAL_ONLY_IAM_ACTIONS: readonly { action: string; adapter: string; why: string }[] = [
  { action: 'dynamodb:DescribeTable', adapter: 'dynamodb-state-store.ts', why: 'ensureTable (local mode and tests; the stack creates the table on AWS)' },
  { action: 'dynamodb:CreateTable', adapter: 'dynamodb-state-store.ts', why: 'ensureTable (local mode and tests; the stack creates the table on AWS)' },
  // Provisioning of the data-plane traffic switch (`failover provision`), by an operator while Route 53's control plane answers.
  { action: 'cloudwatch:DescribeAlarms', adapter: 'cloudwatch-alarms.ts', why: 'failover provision (the operator, never a function)' },
  { action: 'cloudwatch:PutMetricAlarm', adapter: 'cloudwatch-alarms.ts', why: 'failover provision (the operator, never a function)' },
  { action: 'route53:ListHealthChecks', adapter: 'route53-health-checks.ts', why: 'failover provision (the operator, never a function)' },
  { action: 'route53:CreateHealthCheck', adapter: 'route53-health-checks.ts', why: 'failover provision (the operator, never a function)' },
  { action: 'route53:GetHostedZone', adapter: 'route53-health-checks.ts', why: 'failover provision (the operator, never a function)' },
];

/**
 * The IAM action behind each SDK v3 command (and waiter) the adapters use.
 * The document client's commands (@aws-sdk/lib-dynamodb) send the DynamoDB
 * operation of the same meaning.
 */
export const COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  // @aws-sdk/lib-dynamodb
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  // @aws-sdk/client-dynamodb
  GetItemCommand: 'dynamodb:GetItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  CreateTableCommand: 'dynamodb:CreateTable',
  waitUntilTableExists: 'dynamodb:DescribeTable',
  // @aws-sdk/client-route-53
  ListResourceRecordSetsCommand: 'route53:ListResourceRecordSets',
  ChangeResourceRecordSetsCommand: 'route53:ChangeResourceRecordSets',
  GetChangeCommand: 'route53:GetChange',
  // @aws-sdk/client-rds
  DescribeDBInstancesCommand: 'rds:DescribeDBInstances',
  PromoteReadReplicaCommand: 'rds:PromoteReadReplica',
  CreateDBInstanceReadReplicaCommand: 'rds:CreateDBInstanceReadReplica',
  ModifyDBInstanceCommand: 'rds:ModifyDBInstance',
  DescribeGlobalClustersCommand: 'rds:DescribeGlobalClusters',
  DescribeDBClustersCommand: 'rds:DescribeDBClusters',
  FailoverGlobalClusterCommand: 'rds:FailoverGlobalCluster',
  SwitchoverGlobalClusterCommand: 'rds:SwitchoverGlobalCluster',
  ModifyDBClusterCommand: 'rds:ModifyDBCluster',
  RemoveFromGlobalClusterCommand: 'rds:RemoveFromGlobalCluster',
  DescribeDBClusterSnapshotsCommand: 'rds:DescribeDBClusterSnapshots',
  CopyDBClusterSnapshotCommand: 'rds:CopyDBClusterSnapshot',
  RebootDBInstanceCommand: 'rds:RebootDBInstance',
  // @aws-sdk/client-ec2
  DescribeSecurityGroupRulesCommand: 'ec2:DescribeSecurityGroupRules',
  RevokeSecurityGroupIngressCommand: 'ec2:RevokeSecurityGroupIngress',
  AuthorizeSecurityGroupIngressCommand: 'ec2:AuthorizeSecurityGroupIngress',
  // @aws-sdk/client-cloudwatch
  GetMetricDataCommand: 'cloudwatch:GetMetricData',
  PutMetricDataCommand: 'cloudwatch:PutMetricData',
  DescribeAlarmsCommand: 'cloudwatch:DescribeAlarms',
  PutMetricAlarmCommand: 'cloudwatch:PutMetricAlarm',
  ListHealthChecksCommand: 'route53:ListHealthChecks',
  CreateHealthCheckCommand: 'route53:CreateHealthCheck',
  GetHostedZoneCommand: 'route53:GetHostedZone',
  GetRoutingControlStateCommand: 'route53-recovery-cluster:GetRoutingControlState',
  UpdateRoutingControlStatesCommand: 'route53-recovery-cluster:UpdateRoutingControlStates',
  // @aws-sdk/client-auto-scaling
  DescribeAutoScalingGroupsCommand: 'autoscaling:DescribeAutoScalingGroups',
  DescribeScalingActivitiesCommand: 'autoscaling:DescribeScalingActivities',
  UpdateAutoScalingGroupCommand: 'autoscaling:UpdateAutoScalingGroup',
  // @aws-sdk/client-sns
  PublishCommand: 'sns:Publish',
  // @aws-sdk/client-iam
  SimulatePrincipalPolicyCommand: 'iam:SimulatePrincipalPolicy',
  // @aws-sdk/client-lambda
  InvokeCommand: 'lambda:InvokeFunction',
  // @aws-sdk/client-ecs
  DescribeServicesCommand: 'ecs:DescribeServices',
  UpdateServiceCommand: 'ecs:UpdateService',
  // @aws-sdk/client-ssm
  StartAutomationExecutionCommand: 'ssm:StartAutomationExecution',
  GetAutomationExecutionCommand: 'ssm:GetAutomationExecution',
  // @aws-sdk/client-elasticache
  DescribeGlobalReplicationGroupsCommand: 'elasticache:DescribeGlobalReplicationGroups',
  FailoverGlobalReplicationGroupCommand: 'elasticache:FailoverGlobalReplicationGroup',
};

/** The distinct actions of a list of specs, sorted. */
export function actionNames(specs: readonly { action: string }[]): string[] {
  return [...new Set(specs.map((s) => s.action))].sort();
}
