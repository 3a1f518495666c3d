import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/types.js';
import { type FunctionName, functionPolicies, type IamStatement } from './iam-policy.js';

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
}

/**
 * Read and validate the failover.yaml a stack is packaged with (the loader
 * of local mode and the CLI), check that the stack's region is one of its
 * regions, and derive the stack's IAM statements and table replicas. The
 * functions get the validated configuration itself as JSON.
 */
export async function stackValues(options: {
  configPath: string;
  stackRegion: string;
  tableName: string;
  functionNames: Record<FunctionName, string>;
}): Promise<StackValues> {
  const config = await loadConfig(options.configPath);
  if (config.provider !== 'aws') throw new Error(`${options.configPath}: provider: must be aws to deploy on AWS Lambda, got ${config.provider}`);
  const regions = [...new Set(config.applications.flatMap((app) => app.regions.map((r) => r.name)))].sort();
  if (!regions.includes(options.stackRegion)) {
    throw new Error(
      `--region ${options.stackRegion}: not a region of any application in ${options.configPath} (${regions.join(', ')}); deploy one stack in each region of the application`,
    );
  }
  return {
    iam: functionPolicies(config, { tableName: options.tableName, functionNames: options.functionNames }),
    stateTableHome: config.applications[0]!.regions[0]!.name,
    stateTableReplicas: regions.map((Region) => ({ Region, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })),
    config,
    apiAuth: config.api.auth,
  };
}
