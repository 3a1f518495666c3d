import * as Type from 'typebox';
import type { Static } from 'typebox';
import { ApiSchema } from './api-schema.js';
import { FenceSchema } from './fence-config.js';
import { DATABASE_LAG_FIELDS } from './lag-schema.js';
import { Route53Schema } from './route53-config.js';
import { RunbooksSchema } from './runbooks-config.js';
import { SimResourcesSchema } from './sim-resources.js';
import { TrafficSchema } from './traffic-config.js';

/**
 * The schema of failover.yaml. It is the single source of truth: the loader
 * validates with it, `npm run schema` writes the JSON Schema editors use, and
 * the static types below come from it.
 *
 * `x-message` on a schema replaces the validator's generic message for that
 * field, so that errors read like `must be an http(s) URL`.
 */

const RegionName = Type.String({
  pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$',
  'x-message': 'must be an AWS region name such as us-east-1',
});

const Identifier = Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z][A-Za-z0-9-]*$', 'x-message': 'must start with a letter and hold only letters, digits and hyphens' });

export const ProbeTargetSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://[^\\s/]+(/\\S*)?$', 'x-message': 'must be an http(s) URL' }),
    method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('HEAD'), Type.Literal('POST')], { default: 'GET', 'x-message': 'must be GET, HEAD or POST' })),
    expectStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, default: 200 })),
    bodyMatch: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000, default: 2_000 })),
    /**
     * Requests sent at once every round; the target passes when any passes. A flapping
     * endpoint fails some and serves others (flap evidence), a dead one fails them all.
     */
    attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3, 'x-message': 'must be a whole number of attempts from 1 to 10' })),
  },
  { additionalProperties: false },
);

const RdsDatabase = Type.Object(
  {
    engine: Type.Literal('rds'),
    instanceId: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]{0,62}$', 'x-message': 'must be an RDS DB instance identifier (letters, digits, hyphens, starting with a letter, at most 63)' }),
    /** This region's KMS key for a replica of an encrypted writer in another region (KMS keys are regional): a key ARN (best: the IAM policy names it), key id or alias. */
    kmsKeyId: Type.Optional(
      Type.String({
        pattern: '^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/[A-Za-z0-9/_-]+|(mrk-)?[0-9a-f]{8}-?[0-9a-f-]*|alias/[A-Za-z0-9/_-]+)$',
        'x-message': 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), a key id or an alias (alias/<name>)',
      }),
    ),
    ...DATABASE_LAG_FIELDS,
  },
  { additionalProperties: false },
);

const AuroraDatabase = Type.Object(
  {
    engine: Type.Literal('aurora-global'),
    globalClusterId: Type.String({ minLength: 1, maxLength: 63 }),
    clusterId: Type.String({ minLength: 1, maxLength: 2048, 'x-message': 'must be the regional DB cluster identifier or ARN' }),
    ...DATABASE_LAG_FIELDS,
  },
  { additionalProperties: false },
);

export const DatabaseSchema = Type.Union([RdsDatabase, AuroraDatabase], {
  'x-message': 'must be {engine: rds, instanceId} or {engine: aurora-global, globalClusterId, clusterId}',
});

export const ComputeSchema = Type.Object(
  {
    autoScalingGroup: Type.String({ minLength: 1, maxLength: 255 }),
    standbyCapacity: Type.Integer({ minimum: 0, maximum: 10_000 }),
    activeCapacity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    minShareBeforeDns: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        default: 0.9,
        description: 'Share of activeCapacity that must be InService and Healthy before DNS moves to this region; Auto Scaling goes on launching the rest. Default 0.9.',
        'x-message': 'must be a number from 0 to 1',
      }),
    ),
    standbyMinSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'MinSize the group returns to at standby capacity (failback, rollback). Default: standbyCapacity.' })),
    standbyMaxSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'MaxSize the group returns to at standby capacity. Without it, MaxSize stays as the failover left it (raised only if it was below activeCapacity).' })),
  },
  { additionalProperties: false },
);

const AliasSchema = Type.Object(
  {
    dnsName: Type.String({ minLength: 1, maxLength: 255 }),
    hostedZoneId: Type.String({ pattern: '^[A-Z0-9]{1,32}$', 'x-message': "must be the alias target's hosted zone id (for a load balancer, its canonical hosted zone id)" }),
    evaluateTargetHealth: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const RegionDnsSchema = Type.Object(
  {
    hostedZoneId: Type.String({ pattern: '^(/hostedzone/)?[A-Z0-9]{1,32}$', 'x-message': 'must be a Route 53 hosted zone id such as Z0123456789ABC' }),
    recordName: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9*_.-]+\\.?$', 'x-message': 'must be a DNS name such as app.example.com' }),
    type: Type.Union([Type.Literal('CNAME'), Type.Literal('A'), Type.Literal('AAAA')], { 'x-message': 'must be CNAME, A or AAAA' }),
    /** This region's plain value (a CNAME target or an address); or `alias`. */
    value: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** This region's alias target (a load balancer, CloudFront); or `value`. */
    alias: Type.Optional(AliasSchema),
    /** simple: one record that moves; weighted: one record per region, weight 100 on the active one; failover: PRIMARY on the active one. */
    routing: Type.Optional(Type.Union([Type.Literal('simple'), Type.Literal('weighted'), Type.Literal('failover')], { default: 'simple', 'x-message': 'must be simple, weighted or failover' })),
    setIdentifier: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    healthCheckId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ttl: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, default: 60 })),
  },
  { additionalProperties: false },
);

export const RegionSchema = Type.Object(
  {
    name: RegionName,
    probes: Type.Array(ProbeTargetSchema, { minItems: 1, maxItems: 20 }),
    database: DatabaseSchema,
    compute: ComputeSchema,
    dns: RegionDnsSchema,
  },
  { additionalProperties: false },
);

export const PolicySchema = Type.Object(
  {
    probeIntervalSeconds: Type.Optional(Type.Number({ minimum: 0.1, maximum: 3600, default: 5 })),
    fallThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 3 })),
    riseThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 3 })),
    rtoSeconds: Type.Optional(Type.Integer({ minimum: 1, default: 300 })),
    rpoSeconds: Type.Optional(Type.Integer({ minimum: 0, default: 60 })),
    automaticFailover: Type.Optional(Type.Boolean({ default: true })),
    failback: Type.Optional(Type.Union([Type.Literal('manual'), Type.Literal('automatic')], { default: 'manual', 'x-message': 'must be manual or automatic' })),
    /** Automatic failback only after the primary has been healthy this long without a single failed round. */
    failbackHoldDownSeconds: Type.Optional(Type.Integer({ minimum: 0, default: 1800 })),
    /** Minimum time between two automatic failovers of the same application. */
    cooldownSeconds: Type.Optional(Type.Integer({ minimum: 0, default: 600 })),
    /** After this many automatic failovers in 24 hours, page a human instead of failing over again. */
    maxAutomaticFailoversPerDay: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 2 })),
    /** Flap damping: a failure streak preceded by at least flapMinFailures rounds that saw a failure among the flapWindowRounds before it is flapping, not an outage, until it outlasts the window. */
    flapWindowRounds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 20 })),
    /** Rounds that saw a failure (a failed round, or a passed one with a failed attempt) the window must hold. Default 2: a lone blip does not slow the detection of an outage that follows it. */
    flapMinFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 2 })),
    /** How many fresh vantage points must see a region down before it counts as down (k of n). */
    quorum: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 1 })),
    /** RPO guard: a lag sample older than this (counted back from the outage's start) is as good as unknown. */
    maxLagSampleAgeSeconds: Type.Optional(Type.Integer({ minimum: 1, default: 300 })),
    /** RPO guard: how long a promotion waits for an operator when the data loss estimate is unknown or above the RPO. */
    approvalTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 10, default: 1800 })),
    /**
     * The two-person rule: the caller who started a manual failover or failback (or the game day that
     * started it) may not approve its approval gate (403 naming this option); someone else must.
     * Rejecting stays allowed.
     */
    separateApprover: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Two-person rule: the caller who started a manual failover or failback (or the game day that started it) may not approve its approval gate (403); another approver must. Callers are compared by token name, or by IAM principal ARN with an assumed-role session counted as its role (the session name is the caller\'s to pick).',
      }),
    ),
    /**
     * SLA target for measured availability (percent of time the active region answers), the base of the
     * error budget: 99.95 allows 21.6 minutes down in 30 days. Below 100, because 100 leaves no budget to
     * account; at least 50, because a lower figure is a typo (9.95 for 99.95), not an SLA.
     */
    availabilityTargetPercent: Type.Optional(
      Type.Number({ minimum: 50, exclusiveMaximum: 100, default: 99.95, 'x-message': 'must be a percentage from 50 up to (not including) 100, such as 99.95' }),
    ),
  },
  { additionalProperties: false },
);

export const ApplicationSchema = Type.Object(
  {
    name: Identifier,
    regions: Type.Array(RegionSchema, { minItems: 2, maxItems: 10, 'x-message': 'must list at least two regions: the primary first, then standbys in order of preference' }),
    policy: Type.Optional(PolicySchema),
    /** How the old writer is kept from taking writes while the writer moves. */
    fence: Type.Optional(FenceSchema),
    /** How a run moves traffic: rewriting records, or in Route 53's data plane alone (see traffic-config.ts). */
    traffic: Type.Optional(TrafficSchema),
    /** The application's own runbooks (runbooks-config.ts); without it, the built-in ones. */
    runbooks: Type.Optional(RunbooksSchema),
  },
  { additionalProperties: false },
);

const EndpointsSchema = Type.Object(
  {
    route53: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    rds: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    autoscaling: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    cloudwatch: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    ec2: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    dynamodb: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    sns: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
    iam: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
  },
  { additionalProperties: false },
);

const DelayMs = Type.Integer({ minimum: 0, maximum: 3_600_000, 'x-message': 'must be a whole number of milliseconds from 0 to 3600000' });

/** Durations of the simulated cloud's operations, in ms (defaults: promotion 5 s, replica 6 s, boot 3 s, DNS 2 s, alarm period 6 s, health checks 3 s, ECS tasks 15 s up and 5 s down, cache failover 60 s). */
const SimulationSchema = Type.Object(
  {
    /** UDP port of the embedded authoritative DNS server (the zone's name server); 0 or absent: any free port. */
    dnsPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535, 'x-message': 'must be a UDP port from 0 to 65535' })),
    /** Services the applications' own runbooks use (sim-resources.ts). */
    ...SimResourcesSchema,
    delays: Type.Optional(
      Type.Object(
        {
          promoteMs: Type.Optional(DelayMs),
          replicaCreateMs: Type.Optional(DelayMs),
          instanceBootMs: Type.Optional(DelayMs),
          dnsPropagationMs: Type.Optional(DelayMs),
          alarmPeriodMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000, 'x-message': 'must be a whole number of milliseconds from 100 to 3600000' })),
          healthCheckMs: Type.Optional(DelayMs),
          /** ECS tasks: from a higher desired count to running, and from a lower one to stopped. */
          taskStartMs: Type.Optional(DelayMs),
          taskStopMs: Type.Optional(DelayMs),
          /** An ElastiCache global datastore's failover (modifying until done). */
          cacheFailoverMs: Type.Optional(DelayMs),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    provider: Type.Optional(Type.Union([Type.Literal('sim'), Type.Literal('aws')], { default: 'sim', 'x-message': 'must be sim or aws' })),
    /** Name of this controller's vantage point (its region when deployed). */
    vantage: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: 'local' })),
    probeConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, default: 64 })),
    endpoints: Type.Optional(EndpointsSchema),
    /** This controller's share of the account's Route 53 API request rate. */
    route53: Type.Optional(Route53Schema),
    /** Targets outside every application: a vantage point that cannot reach them either is cut off, and its votes do not count. */
    witness: Type.Optional(Type.Array(ProbeTargetSchema, { minItems: 1, maxItems: 5 })),
    /** Where decisions that act or need a human are sent. */
    notifications: Type.Optional(
      Type.Object(
        {
          webhookUrl: Type.Optional(Type.String({ pattern: '^https?://', 'x-message': 'must be an http(s) URL' })),
          snsTopicArn: Type.Optional(Type.String({ pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$', 'x-message': 'must be an SNS topic ARN' })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Who may call the HTTP API (tokens by hash, roles) and how often. */
    api: Type.Optional(ApiSchema),
    /** The simulated world of `provider: sim` (local mode): how long its cloud operations take. */
    simulation: Type.Optional(SimulationSchema),
    applications: Type.Array(ApplicationSchema, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false, $id: 'https://failover-controller.dev/schema/failover.json', title: 'failover-controller configuration' },
);

/** The configuration as written (optional fields may be absent). */
export type ConfigInput = Static<typeof ConfigSchema>;
