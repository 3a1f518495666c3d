import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/types.js';
import { type FunctionName, functionPolicies, type IamStatement } from './iam-policy.js';
import { type CfnOutput, type CfnResource, stackAlarms } from './stack-alarms.js';
import { stackDashboard } from './stack-dashboard.js';
import { stageNamespace } from '../metrics/catalog.js';

/** What serverless.yml takes from the configuration (through deploy/serverless-vars.cjs). */
export interface StackValues {
  /** The statements of each function's role. */
  iam: Record<FunctionName, IamStatement[]>;
  /** The region whose stack owns the global state table: the primary region of the first application. */
  stateTableHome: string;
  /** One replica of the state table per region of the configuration, with point-in-time recovery. */
  stateTableReplicas: { Region: string; PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }; DeletionProtectionEnabled: true }[];
  /** The validated configuration, defaults filled in: packaged with the functions as JSON (src/deploy/packaged-config.ts). */
  config: Config;
  /** Who checks API callers: the app (token: no API Gateway authorizer) or API Gateway's AWS_IAM authorizer (iam). From api.auth. */
  apiAuth: Config['api']['auth'];
  /**
   * The stack's monitoring, merged into the template (serverless.yml `resources`): the alarms on the
   * controller itself and their SNS topic (stack-alarms.ts), and the CloudWatch dashboard (stack-dashboard.ts).
   */
  monitoring: { Resources: Record<string, CfnResource>; Outputs: Record<string, CfnOutput> };
  /** The CloudWatch namespace of this stage's metrics (stageNamespace): the functions get it as METRICS_NAMESPACE. */
  metricsNamespace: string;
}

/**
 * Read and validate the failover.yaml a stack is packaged with (the loader
 * of local mode and the CLI), check that the stack's region is one of its
 * regions, and derive the stack's IAM statements, table replicas, alarms and
 * dashboard. The functions get the validated configuration itself as JSON.
 */
export async function stackValues(options: {
  configPath: string;
  stackRegion: string;
  tableName: string;
  functionNames: Record<FunctionName, string>;
  /** `<service>-<stage>`: the alarms', topic's and dashboard's names start with it. Default: serverless.yml's service and default stage. */
  namePrefix?: string;
  /** Minutes without a probe round before the dead man's switch pages (stack-alarms.ts; default 3). */
  deadMansSwitchMinutes?: number;
  /** The stage (serverless.yml's default: prod): its metrics have a CloudWatch namespace of their own. */
  stage?: string;
}): Promise<StackValues> {
  const config = await loadConfig(options.configPath);
  if (config.provider !== 'aws') throw new Error(`${options.configPath}: provider: must be aws to deploy on AWS Lambda, got ${config.provider}`);
  const regions = [...new Set(config.applications.flatMap((app) => app.regions.map((r) => r.name)))].sort();
  if (!regions.includes(options.stackRegion)) {
    throw new Error(
      `--region ${options.stackRegion}: not a region of any application in ${options.configPath} (${regions.join(', ')}); deploy one stack in each region of the application`,
    );
  }
  const { namePrefix = 'failover-controller-prod', stackRegion, deadMansSwitchMinutes } = options;
  const namespace = stageNamespace(options.stage ?? 'prod');
  const alarms = stackAlarms({ config, stackRegion, namePrefix, namespace, deadMansSwitchMinutes });
  const dashboard = stackDashboard({ config, stackRegion, namePrefix, namespace, alarmIds: alarms.alarmIds });
  return {
    iam: functionPolicies(config, { tableName: options.tableName, functionNames: options.functionNames }),
    stateTableHome: config.applications[0]!.regions[0]!.name,
    stateTableReplicas: regions.map((Region) => ({ Region, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })),
    config,
    apiAuth: config.api.auth,
    metricsNamespace: namespace,
    monitoring: { Resources: { ...alarms.Resources, ...dashboard.Resources }, Outputs: { ...alarms.Outputs, ...dashboard.Outputs } },
  };
}
