import type { SimResources } from './sim-resources.js';
import type { RunbooksConfig } from './runbooks-config.js';
import type { DatabaseRef } from '../ports/database-provider.js';
import type { ProbeTarget } from '../probes/types.js';
import type { FenceConfig } from './fence-config.js';
import type { TrafficConfig } from './traffic-config.js';

/** The policy of one application, every default filled in. */
export interface AppPolicy {
  probeIntervalSeconds: number;
  fallThreshold: number;
  riseThreshold: number;
  rtoSeconds: number;
  rpoSeconds: number;
  automaticFailover: boolean;
  failback: 'manual' | 'automatic';
  failbackHoldDownSeconds: number;
  cooldownSeconds: number;
  maxAutomaticFailoversPerDay: number;
  flapWindowRounds: number;
  flapMinFailures: number;
  quorum: number;
  maxLagSampleAgeSeconds: number;
  approvalTimeoutSeconds: number;
  /** Two-person rule: the starter of a manual run may not approve its gates. */
  separateApprover: boolean;
  /** SLA target of measured availability, in percent (below 100): the base of the error budget. */
  availabilityTargetPercent: number;
}

/** The DNS record a region answers for; every region of an app shares zone, name, type and routing. */
export interface RegionDns {
  hostedZoneId: string;
  /** Lower case, fully qualified, with the trailing dot. */
  recordName: string;
  type: 'CNAME' | 'A' | 'AAAA';
  /** Exactly one of `value` and `alias`. */
  value?: string;
  alias?: { dnsName: string; hostedZoneId: string; evaluateTargetHealth: boolean };
  routing: 'simple' | 'weighted' | 'failover';
  /** Required for weighted and failover routing: this region's record set. */
  setIdentifier?: string;
  healthCheckId?: string;
  ttl: number;
}

/** A region's Auto Scaling group and its capacities, in the group's units (instances, or weights with instance weighting). */
export interface RegionCompute {
  autoScalingGroup: string;
  standbyCapacity: number;
  activeCapacity: number;
  /** Share of activeCapacity serving that lets DNS move here while the rest launches (0..1). */
  minShareBeforeDns: number;
  /** MinSize at standby capacity. */
  standbyMinSize: number;
  /** MaxSize at standby capacity; absent: left as it is. */
  standbyMaxSize?: number;
}

/** One region of an application, every default filled in. */
export interface RegionConfig {
  name: string;
  probes: ProbeTarget[];
  database: DatabaseRef;
  compute: RegionCompute;
  dns: RegionDns;
  /** How this region's replication lag is read (`database.engineFamily`, `database.lag`); absent: CloudWatch, family unknown. */
  lag?: LagConfig;
}

/** How the RPO guard and failback's wait read a region's replication (see src/lag/). */
export interface LagConfig {
  /** mysql or postgres: ReplicaLag means different things (PostgreSQL: time since the last replayed transaction). */
  engineFamily?: 'mysql' | 'postgres';
  /** cloudwatch: the RDS/Aurora lag metrics; heartbeat: the application's replication endpoint, CloudWatch the fallback. */
  source: 'cloudwatch' | 'heartbeat';
  /** With source heartbeat: this region's replication endpoint. */
  heartbeat?: { url: string; timeoutMs: number };
}

/** One protected application. `regions[0]` is the primary, the rest standbys in order of preference. */
export interface AppConfig {
  name: string;
  regions: RegionConfig[];
  policy: AppPolicy;
  /** How the old writer is kept from taking writes while the writer moves (fence-config.ts). */
  fence: FenceConfig;
  /** How a run moves traffic (traffic-config.ts). */
  traffic: TrafficConfig;
  /** The application's own runbooks (runbooks-config.ts); absent: the built-in ones. */
  runbooks?: RunbooksConfig;
}

/** Endpoint overrides per AWS service, for AWS-compatible test servers. */
export interface EndpointOverrides {
  route53?: string;
  rds?: string;
  autoscaling?: string;
  cloudwatch?: string;
  ec2?: string;
  dynamodb?: string;
  sns?: string;
  iam?: string;
}

/** The simulated cloud's operation delays a config may set. */
export type SimDelayName =
  | 'promoteMs'
  | 'replicaCreateMs'
  | 'instanceBootMs'
  | 'dnsPropagationMs'
  | 'alarmPeriodMs'
  | 'healthCheckMs'
  | 'taskStartMs'
  | 'taskStopMs'
  | 'cacheFailoverMs';

/** The whole, validated configuration. */
export interface Config {
  provider: 'sim' | 'aws';
  vantage: string;
  probeConcurrency: number;
  endpoints: EndpointOverrides;
  /** Route 53 API requests per second this controller's processes may each send (their share of the account's quota). */
  route53: { requestsPerSecond: number };
  /** Probe targets outside the applications, to tell an outage from a cut-off observer. */
  witness: ProbeTarget[];
  notifications: { webhookUrl?: string; snsTopicArn?: string };
  /** Who may call the API, and how often. */
  api: ApiConfig;
  /** Only with `provider: sim`: the simulated cloud's operation delays (ms) that differ from the defaults. */
  simulation: {
    dnsPort?: number;
    delays: Partial<Record<SimDelayName, number>>;
    /** Services of the simulated world that the applications' own runbooks use (ECS, Lambda, SSM, ElastiCache). */
    resources: SimResources;
  };
  applications: AppConfig[];
}

/** A role of an API caller. Every authenticated caller may read; `viewer` alone grants nothing more. */
export type ApiRole = 'viewer' | 'operator' | 'approver';

/** One API token: its caller's name (for the audit log), the SHA-256 of the token (lower-case hex) and its roles. */
export interface ApiToken {
  name: string;
  sha256: string;
  roles: ApiRole[];
}

/**
 * With `auth: iam`, the roles of an IAM principal: an exact ARN, or a prefix
 * ending in `*` that matches any ARN starting with it (`…/assumed-role/Ops/*`
 * every session of Ops; `…/assumed-role/Ops*` also roles named Ops-ReadOnly
 * and the like). See iamRoles in src/api/auth/iam-callers.ts.
 */
export interface ApiIamPrincipal {
  arn: string;
  roles: ApiRole[];
}

/** The `api` section, defaults filled in. */
export interface ApiConfig {
  auth: 'token' | 'iam';
  tokens: ApiToken[];
  iamPrincipals: ApiIamPrincipal[];
  /** Mutating requests per caller per window. */
  rateLimit: { max: number; windowSeconds: number };
}
