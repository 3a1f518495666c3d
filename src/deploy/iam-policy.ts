import { IAM_ACTIONS, type IamActionSpec, type IamResourceKind } from '../adapters/aws/iam-actions.js';
import type { Config } from '../config/types.js';

/** The three Lambda functions of a regional stack. */
export type FunctionName = 'probe' | 'api' | 'runbook';

/** A CloudFormation value: a literal, or an intrinsic function. */
export type CfnValue = string | { 'Fn::Sub': string };

/** One statement of an IAM policy document, as CloudFormation takes it. */
export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[];
}

/**
 * What each function calls, by adapter and access; the actions themselves
 * come from IAM_ACTIONS (src/adapters/aws/iam-actions.ts).
 * - probe: the state store; Route 53 reads (the active region comes from
 *   DNS); hands runs to the worker. It never touches a database or a group.
 * - api: the state store; reads everywhere (status and dry-run plans
 *   observe every step); hands runs to the worker.
 * - runbook: the state store and everything a runbook does; it never hands
 *   runs on.
 */
export const FUNCTION_ACCESS: Record<FunctionName, (spec: IamActionSpec) => boolean> = {
  probe: (s) => s.adapter === 'dynamodb-state-store.ts' || s.adapter === 'lambda-dispatcher.ts' || s.adapter === 'sns-notifier.ts' || (s.adapter === 'route53-dns.ts' && s.access === 'read'),
  api: (s) => s.adapter === 'dynamodb-state-store.ts' || s.adapter === 'lambda-dispatcher.ts' || (s.access === 'read' && s.adapter !== 'sns-notifier.ts'),
  runbook: (s) => s.adapter !== 'lambda-dispatcher.ts' && s.adapter !== 'sns-notifier.ts',
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
  const resources = resourcesByKind(config, { tableName: 'table', functionNames: { probe: 'probe', api: 'api', runbook: 'runbook' } });
  return IAM_ACTIONS.filter((s) => FUNCTION_ACCESS[fn](s) && resources[s.resource].length > 0)
    .map((s) => s.action)
    .sort();
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
  for (const fn of ['probe', 'api', 'runbook'] as const) {
    const byKind = new Map<IamResourceKind, string[]>();
    for (const spec of IAM_ACTIONS.filter(FUNCTION_ACCESS[fn])) byKind.set(spec.resource, [...(byKind.get(spec.resource) ?? []), spec.action]);
    const statements: IamStatement[] = [];
    for (const [kind, actions] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
      const scoped = resources[kind];
      // An application without, say, Aurora clusters has nothing for those actions to act on: no statement.
      if (scoped.length === 0) continue;
      statements.push({ Sid: sid(kind), Effect: 'Allow', Action: [...actions].sort(), Resource: scoped });
    }
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
    'auto-scaling-group': groups.map((key) => {
      const [region, name] = key.split('|') as [string, string];
      return sub(`arn:\${AWS::Partition}:autoscaling:${region}:\${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/${name}`);
    }),
    // The decisions' topic, when notifications go to SNS (only the probe decides, so only it publishes).
    'sns-topic': config.notifications.snsTopicArn ? [config.notifications.snsTopicArn] : [],
    'runbook-function': [sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${names.functionNames.runbook}`)],
    any: ['*'],
  };
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
