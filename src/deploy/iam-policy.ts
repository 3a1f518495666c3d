import { IAM_ACTIONS, type IamActionSpec, type IamResourceKind, STEP_LIBRARY_ADAPTERS } from '../adapters/aws/iam-actions.js';
import type { RunbookResources } from '../config/runbooks-config.js';
import type { Config } from '../config/types.js';

/** The Lambda functions of a regional stack. */
export type FunctionName = 'probe' | 'api' | 'runbook' | 'reader';

/** The functions of a regional stack, in the order they are listed. */
export const FUNCTION_NAMES: readonly FunctionName[] = ['probe', 'api', 'runbook', 'reader'];

/** The adapters of the cloud ports (DNS, database and its lag, compute, the network fence), as IAM_ACTIONS names them. */
const CLOUD_ADAPTERS = new Set([
  'route53-dns.ts',
  'rds-database.ts',
  'aurora-global.ts',
  'replica-lag.ts',
  'autoscaling-compute.ts',
  'ec2-network-fence.ts',
  'aurora-lost-writes.ts',
  // The data-plane traffic switches: the runbook worker votes and flips routing controls; the reader looks at them for plans.
  'cloudwatch-votes.ts',
  'arc-routing-controls.ts',
]);

/** A CloudFormation value: a literal, or an intrinsic function. */
export type CfnValue = string | { 'Fn::Sub': string };

/** One statement of an IAM policy document, as CloudFormation takes it. */
export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, string>>;
}

/**
 * Conditions of the statements scoped to one resource kind. A monitoring
 * role is found at run time (the instance a replica replaces has it), so
 * PassRole names every role of the account, but only for passing to RDS
 * (the service authorization reference lists iam:PassedToService
 * rds.amazonaws.com for CreateDBInstanceReadReplica).
 */
const CONDITIONS: Partial<Record<IamResourceKind, Record<string, Record<string, string>>>> = {
  'rds-monitoring-role': { StringEquals: { 'iam:PassedToService': 'rds.amazonaws.com' } },
};

/**
 * What each function calls, by adapter and access; the actions themselves
 * come from IAM_ACTIONS (src/adapters/aws/iam-actions.ts).
 * - probe: the state store; Route 53 reads (the active region comes from
 *   DNS); hands runs to the worker; publishes its decisions. It never
 *   touches a database or a group.
 * - api: the state store; hands runs to the worker; reads the world only
 *   through the reader function (status, dry-run plans): no cloud action of
 *   its own.
 * - runbook: the state store and everything a runbook does; it never hands
 *   runs on and never invokes the reader.
 * - reader: the cloud's read actions and nothing else: no table, no
 *   function to invoke, nothing that changes the cloud.
 */
export const FUNCTION_ACCESS: Record<FunctionName, (spec: IamActionSpec) => boolean> = {
  probe: (s) =>
    s.adapter === 'dynamodb-state-store.ts' ||
    s.adapter === 'lambda-dispatcher.ts' ||
    s.adapter === 'sns-notifier.ts' ||
    // Every round, the stack's votes of a health-checks switch, in its own region.
    s.adapter === 'cloudwatch-votes.ts' ||
    (s.adapter === 'route53-dns.ts' && s.access === 'read'),
  api: (s) => s.adapter === 'dynamodb-state-store.ts' || s.adapter === 'lambda-dispatcher.ts' || s.adapter === 'lambda-read-transport.ts',
  // The worker also checks, for readiness, that its own role may make the runbooks' calls (the policy simulator).
  // And it notifies what its world watch finds (a readiness check failing, drift).
  // The step library's actions are the worker's (user runbooks) and, reads only, the reader's (their plans); they are granted
  // only on the resources the configuration names for them (resourcesByKind): a deployment that names none gets no statement.
  runbook: (s) =>
    s.adapter === 'dynamodb-state-store.ts' ||
    s.adapter === 'iam-permissions.ts' ||
    s.adapter === 'sns-notifier.ts' ||
    CLOUD_ADAPTERS.has(s.adapter) ||
    STEP_LIBRARY_ADAPTERS.has(s.adapter),
  reader: (s) => (CLOUD_ADAPTERS.has(s.adapter) || STEP_LIBRARY_ADAPTERS.has(s.adapter)) && s.access === 'read',
};

/** Names the policies need from the stack. */
export interface StackNames {
  /**
   * Name of the state table. Each function uses the replica in its own
   * region; the table resource itself exists only in the stack of the
   * table's home region, so the ARN is built from the name.
   */
  tableName: string;
  /** Function name of each function (service-stage-function). */
  functionNames: Record<FunctionName, string>;
}

/**
 * The actions a function's role allows with this configuration, sorted
 * (without the CloudWatch Logs ones every function has): FUNCTION_ACCESS,
 * less the actions on resources the configuration does not have (no Aurora
 * cluster, no Aurora actions).
 */
export function functionActions(config: Config, fn: FunctionName): string[] {
  const resources = resourcesByKind(config, { tableName: 'table', functionNames: { probe: 'probe', api: 'api', runbook: 'runbook', reader: 'reader' } });
  return [...new Set(IAM_ACTIONS.filter((s) => FUNCTION_ACCESS[fn](s) && resources[s.resource].length > 0).map((s) => s.action))].sort();
}

/** CloudWatch Logs actions every function needs to write its own log group (created by the stack, with its retention). */
export const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/**
 * The statements of each function's role: the actions of FUNCTION_ACCESS,
 * grouped by the resources they are scoped to, with the resources named
 * from the configuration (hosted zones, DB instances and clusters, Auto
 * Scaling groups of every region of every application), the stack's table
 * and its indexes, and this stack's runbook function. Resource "*" only
 * where AWS has no resource-level permission for the action.
 */
export function functionPolicies(config: Config, names: StackNames): Record<FunctionName, IamStatement[]> {
  const resources = resourcesByKind(config, names);
  const policies = {} as Record<FunctionName, IamStatement[]>;
  for (const fn of FUNCTION_NAMES) {
    // An application without, say, Aurora clusters has nothing for those actions to act on: no statement.
    const specs = IAM_ACTIONS.filter((spec) => FUNCTION_ACCESS[fn](spec) && resources[spec.resource].length > 0);
    // An action two adapters call on different resources (lambda:InvokeFunction) is granted once, on both.
    const kindsOf = new Map<string, Set<IamResourceKind>>();
    for (const spec of specs) kindsOf.set(spec.action, (kindsOf.get(spec.action) ?? new Set()).add(spec.resource));
    const byKinds = new Map<string, { kinds: IamResourceKind[]; actions: string[] }>();
    for (const [action, set] of kindsOf) {
      const kinds = [...set].sort();
      const key = kinds.join('+');
      byKinds.set(key, { kinds, actions: [...(byKinds.get(key)?.actions ?? []), action] });
    }
    const statements: IamStatement[] = [...byKinds]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, { kinds, actions }]): IamStatement => {
        const condition = kinds.length === 1 ? CONDITIONS[kinds[0]!] : undefined;
        return { Sid: kinds.map(sid).join('And'), Effect: 'Allow', Action: [...actions].sort(), Resource: kinds.flatMap((k) => resources[k]), ...(condition ? { Condition: condition } : {}) };
      });
    statements.push({
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: [...LOG_ACTIONS],
      Resource: [sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${names.functionNames[fn]}:*`)],
    });
    policies[fn] = statements;
  }
  return policies;
}

function resourcesByKind(config: Config, names: StackNames): Record<IamResourceKind, CfnValue[]> {
  const regions = config.applications.flatMap((app) => app.regions);
  const zones = unique(regions.map((r) => r.dns.hostedZoneId));
  const instances = unique(regions.flatMap((r) => (r.database.engine === 'rds' ? [`${r.name}|${r.database.instanceId.toLowerCase()}`] : [])));
  const clusters = unique(regions.flatMap((r) => (r.database.engine === 'aurora-global' ? [`${r.name}|${r.database.clusterId}`] : [])));
  const globals = unique(regions.flatMap((r) => (r.database.engine === 'aurora-global' ? [r.database.globalClusterId.toLowerCase()] : [])));
  const groups = unique(regions.map((r) => `${r.name}|${r.compute.autoScalingGroup}`));
  const rdsArn = (region: string, type: string, id: string) => sub(`arn:\${AWS::Partition}:rds:${region}:\${AWS::AccountId}:${type}:${id}`);
  return {
    'state-table': [
      sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${names.tableName}`),
      sub(`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${names.tableName}/index/*`),
    ],
    'hosted-zone': zones.map((zone) => sub(`arn:\${AWS::Partition}:route53:::hostedzone/${zone}`)),
    // GetChange names a change id, known only once the change is made.
    'route53-change': [sub('arn:${AWS::Partition}:route53:::change/*')],
    // The instance itself, and the copies a failback renames aside (`<id>-stale-…`).
    'db-instance': instances.flatMap((key) => {
      const [region, id] = key.split('|') as [string, string];
      return [rdsArn(region, 'db', id), rdsArn(region, 'db', `${id}-*`)];
    }),
    'db-cluster': [
      ...clusters.flatMap((key): CfnValue[] => {
        const [region, id] = key.split('|') as [string, string];
        if (id.startsWith('arn:')) return [id, `${id}-*`];
        return [rdsArn(region, 'cluster', id.toLowerCase()), rdsArn(region, 'cluster', `${id.toLowerCase()}-*`)];
      }),
      ...globals.map((id) => sub(`arn:\${AWS::Partition}:rds::\${AWS::AccountId}:global-cluster:${id}`)),
    ],
    // The fence revokes and restores rules of the groups attached to the databases, found at run time (DescribeDBInstances):
    // their ids are not in the configuration, so every group of the application's regions.
    'security-group': unique(regions.map((r) => r.name)).map((region) => sub(`arn:\${AWS::Partition}:ec2:${region}:\${AWS::AccountId}:security-group/*`)),
    // The fence reboots the old writer: an RDS instance (and its set-aside copies), or an Aurora cluster's writer instance,
    // whose identifier is known only at run time (every instance of the regions with an Aurora cluster).
    'fenced-db-instance': [
      ...instances.flatMap((key) => {
        const [region, id] = key.split('|') as [string, string];
        return [rdsArn(region, 'db', id), rdsArn(region, 'db', `${id}-*`)];
      }),
      ...unique(clusters.map((key) => key.split('|')[0]!)).map((region) => rdsArn(region, 'db', '*')),
    ],
    // A rebuilt replica names the option, parameter and subnet groups of the instance it replaces, known only at run time.
    'db-instance-settings': unique(instances.map((key) => key.split('|')[0]!)).flatMap((region) => ['og', 'pg', 'subgrp'].map((type) => rdsArn(region, type, '*'))),
    // The unplanned-failover snapshot of an Aurora cluster's old volume, and the manual copy the failback makes of it.
    'db-cluster-snapshot': clusters.flatMap((key) => {
      const [region, id] = clusterRegionAndId(key);
      return [rdsArn(region, 'cluster-snapshot', `rds:unplanned-global-failover-${id}-*`), rdsArn(region, 'cluster-snapshot', `${id}-lost-writes-*`)];
    }),
    // Each region's KMS key for encrypted cross-region replicas (regions[].database.kmsKeyId).
    'kms-key': unique(regions.flatMap((r) => (r.database.engine === 'rds' && r.database.kmsKeyId ? [`${r.name}|${r.database.kmsKeyId}`] : []))).map((key) => {
      const [region, keyId] = key.split('|') as [string, string];
      if (/^arn:[^:]+:kms:[^:]+:\d{12}:key\//.test(keyId)) return keyId;
      // An alias resolves only at run time: every key of the region (name a key ARN in the configuration to narrow this).
      if (keyId.includes('alias/')) return sub(`arn:\${AWS::Partition}:kms:${region}:\${AWS::AccountId}:key/*`);
      return sub(`arn:\${AWS::Partition}:kms:${region}:\${AWS::AccountId}:key/${keyId}`);
    }),
    'rds-monitoring-role': instances.length > 0 ? [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*')] : [],
    'auto-scaling-group': groups.map((key) => {
      const [region, name] = key.split('|') as [string, string];
      return sub(`arn:\${AWS::Partition}:autoscaling:${region}:\${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${name}`);
    }),
    // The decisions' topic, when notifications go to SNS (only the probe decides, so only it publishes).
    'sns-topic': config.notifications.snsTopicArn ? [config.notifications.snsTopicArn] : [],
    'runbook-function': [sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${names.functionNames.runbook}`)],
    'reader-function': [sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${names.functionNames.reader}`)],
    // The worker's own role, named by CloudFormation `<stack>-RunbookRole-<suffix>` (naming it exactly would make the role depend on itself).
    'runbook-role': [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-RunbookRole-*')],
    // The step library's resources, as each application's `runbooks.resources` names them, in each of its regions: never "*",
    // which would let every deployment's worker scale any ECS service and invoke any function of the account.
    ...stepLibraryResources(config),
    any: ['*'],
  };
}

/** The region and bare identifier of a configured cluster (`<region>|<id or ARN>`). */
function clusterRegionAndId(key: string): [string, string] {
  const [region, id] = key.split('|') as [string, string];
  if (!id.startsWith('arn:')) return [region, id.toLowerCase()];
  const parts = id.split(':');
  return [parts[3] || region, parts.slice(6).join(':').toLowerCase()];
}

function sub(template: string): { 'Fn::Sub': string } {
  return { 'Fn::Sub': template };
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** Statement ids: alphanumeric, from the resource kind. */
function sid(kind: IamResourceKind): string {
  return kind === 'any' ? 'NoResourceLevelPermissions' : kind.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** What fills a template's pseudo parameters at run time. */
export interface StackPseudoParameters {
  partition: string;
  accountId: string;
  region: string;
  stackName: string;
}

/**
 * The runbook role's statements as batches for IAM's policy simulator: each
 * statement's actions on its resources, with the template's pseudo
 * parameters filled in. Statements with a condition (iam:PassRole to RDS
 * only) are left out: the simulator would need the call's context keys.
 */
export function simulationBatches(config: Config, names: StackNames, params: StackPseudoParameters): { actions: string[]; resources: string[] }[] {
  const fill = (value: CfnValue) => fillPseudoParameters(value, params);
  return functionPolicies(config, names)
    .runbook.filter((s) => !s.Condition && !s.Action.includes('iam:SimulatePrincipalPolicy'))
    .map((s) => ({ actions: s.Action, resources: s.Resource.map(fill).filter((r) => !r.includes('${')) }))
    .filter((b) => b.resources.length > 0);
}

/** An `Fn::Sub` of the template with its pseudo parameters filled in: a plain ARN. */
export function fillPseudoParameters(value: CfnValue, params: StackPseudoParameters): string {
  if (typeof value === 'string') return value;
  return value['Fn::Sub']
    .replaceAll('${AWS::Partition}', params.partition)
    .replaceAll('${AWS::AccountId}', params.accountId)
    .replaceAll('${AWS::Region}', params.region)
    .replaceAll('${AWS::StackName}', params.stackName);
}

type StepLibraryKind = 'ecs-service' | 'runbook-function-target' | 'automation-definition' | 'automation-execution' | 'global-datastore';

/**
 * The ARNs of what the applications' own runbooks act on (config
 * `applications[].runbooks.resources`), in each region of the application.
 * Formats of the Service Authorization Reference's resource types: ECS
 * `service` (…:service/<cluster>/<service>), Lambda `function` (and its
 * qualified ARNs, …:function:<name>:*), Systems Manager
 * `automation-definition` (…:automation-definition/<name>:<version>) and
 * `automation-execution`, ElastiCache `globalreplicationgroup` (global: no
 * region). GetAutomationExecution can only name executions by their ids,
 * unknown until started: the worker may read executions of its regions.
 */
function stepLibraryResources(config: Config): Record<StepLibraryKind, ReturnType<typeof sub>[]> {
  const uses = config.applications.flatMap((app) => (app.runbooks ? app.regions.map((r) => ({ region: r.name, resources: app.runbooks!.resources })) : []));
  const arns = (make: (region: string, resources: RunbookResources) => string[]) => unique(uses.flatMap((u) => make(u.region, u.resources))).map(sub);
  const documents = uses.filter((u) => u.resources.automationDocuments.length > 0);
  return {
    'ecs-service': arns((region, r) => r.ecsServices.map((s) => `arn:\${AWS::Partition}:ecs:${region}:\${AWS::AccountId}:service/${s}`)),
    'runbook-function-target': arns((region, r) =>
      r.functions.flatMap((f) => [`arn:\${AWS::Partition}:lambda:${region}:\${AWS::AccountId}:function:${f}`, `arn:\${AWS::Partition}:lambda:${region}:\${AWS::AccountId}:function:${f}:*`]),
    ),
    'automation-definition': arns((region, r) => r.automationDocuments.map((d) => `arn:\${AWS::Partition}:ssm:${region}:\${AWS::AccountId}:automation-definition/${d}:*`)),
    'automation-execution': unique(documents.map((u) => `arn:\${AWS::Partition}:ssm:${u.region}:\${AWS::AccountId}:automation-execution/*`)).map(sub),
    'global-datastore': arns((_region, r) => r.globalDatastores.map((g) => `arn:\${AWS::Partition}:elasticache::\${AWS::AccountId}:globalreplicationgroup:${g}`)),
  };
}
