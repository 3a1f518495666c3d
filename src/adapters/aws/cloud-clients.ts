import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ClientUse } from './aws-client-pool.js';
import { Route53Clients } from './route53-clients.js';

/**
 * The clients of the cloud ports (DNS, database with its CloudWatch lag,
 * compute, and EC2 for the network fence of old writers) and of the step
 * library's services (ECS, Lambda, SSM Automation, ElastiCache): what the
 * runbook worker and the reader are composed with, neither of which may
 * publish notifications. Each is created on first use, so a deployment
 * whose runbooks use no ECS never makes an ECS client.
 */
export class CloudClients extends Route53Clients {
  /** RDS in `region`; `change` for the calls that must go out once (see ClientUse). */
  rds(region: string, use: ClientUse = 'read'): RDSClient {
    return this.client('rds', region, (config) => new RDSClient(config), use);
  }

  /** Auto Scaling in `region`; `change` for the calls that must go out once (see ClientUse). */
  autoScaling(region: string, use: ClientUse = 'read'): AutoScalingClient {
    return this.client('autoscaling', region, (config) => new AutoScalingClient(config), use);
  }

  /** EC2 in `region` (security groups of a database); `change` for the calls that must go out once (see ClientUse). */
  ec2(region: string, use: ClientUse = 'read'): EC2Client {
    return this.client('ec2', region, (config) => new EC2Client(config), use);
  }

  cloudWatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (config) => new CloudWatchClient(config));
  }

  /** ECS in `region`; `change` for UpdateService (see ClientUse). */
  ecs(region: string, use: ClientUse = 'read'): ECSClient {
    return this.client('ecs', region, (config) => new ECSClient(config), use);
  }

  /** Lambda in `region`, for the functions runbooks invoke; `change` for Invoke (see ClientUse). */
  lambda(region: string, use: ClientUse = 'read'): LambdaClient {
    return this.client('lambda', region, (config) => new LambdaClient(config), use);
  }

  /** Systems Manager in `region` (Automation executions; StartAutomationExecution carries a ClientToken, so `read` suits it). */
  ssm(region: string): SSMClient {
    return this.client('ssm', region, (config) => new SSMClient(config));
  }

  /** ElastiCache in `region`; `change` for FailoverGlobalReplicationGroup (see ClientUse). */
  elastiCache(region: string, use: ClientUse = 'read'): ElastiCacheClient {
    return this.client('elasticache', region, (config) => new ElastiCacheClient(config), use);
  }
}
