/**
 * The ports of the data-plane traffic switches (issue 14): votes through
 * CloudWatch, the Route 53 health checks and CloudWatch alarms provisioned
 * ahead of time, and ARC routing controls through the cluster's data plane.
 * None of the failover-path calls here (castVotes, updateRoutingControlStates)
 * touches Route 53's control plane, which AWS runs in us-east-1 alone.
 */

/** One stack's vote on one region of one application: take it out of DNS (1) or keep it (0). */
export interface EvacuationVote {
  app: string;
  /** The region voted on. */
  region: string;
  evacuate: boolean;
}

/** CloudWatch PutMetricData in the voter's own region: the only call a `health-checks` switch makes. */
export interface VoteBallot {
  /** Publish the votes as metric data in `voterRegion` (one PutMetricData per 1,000 votes). */
  castVotes(voterRegion: string, votes: EvacuationVote[]): Promise<void>;
}

/** What Route 53 does with a CLOUDWATCH_METRIC health check whose alarm has no data. */
export type InsufficientDataHealthStatus = 'Healthy' | 'Unhealthy' | 'LastKnownStatus';

/** A Route 53 health check as this project provisions it. */
export type HealthCheckSpec =
  | { type: 'CALCULATED'; childHealthChecks: string[]; healthThreshold: number; inverted: boolean }
  | {
      type: 'CLOUDWATCH_METRIC';
      alarmRegion: string;
      alarmName: string;
      insufficientDataHealthStatus: InsufficientDataHealthStatus;
      inverted: boolean;
    }
  | { type: 'RECOVERY_CONTROL'; routingControlArn: string };

/** A health check that exists. */
export interface HealthCheck {
  id: string;
  callerReference: string;
  spec: HealthCheckSpec;
}

/** Route 53's health-check and hosted-zone control plane: provisioning only, never on the failover path. */
export interface HealthCheckApi {
  /** Every health check of the account (ListHealthChecks, all pages). */
  listHealthChecks(): Promise<HealthCheck[]>;
  /**
   * CreateHealthCheck. Route 53 makes it idempotent by caller reference: the
   * same reference and spec answer the existing check; the same reference
   * with another spec is refused (HealthCheckAlreadyExists, a ConflictError).
   */
  createHealthCheck(callerReference: string, spec: HealthCheckSpec): Promise<HealthCheck>;
  /** The zone's authoritative name servers (GetHostedZone's DelegationSet). */
  nameServers(hostedZoneId: string): Promise<string[]>;
}

/** A CloudWatch alarm on one vote metric. */
export interface AlarmSpec {
  region: string;
  name: string;
  namespace: string;
  metricName: string;
  dimensions: { name: string; value: string }[];
  statistic: 'Maximum';
  periodSeconds: number;
  evaluationPeriods: number;
  threshold: number;
  comparison: 'GreaterThanOrEqualToThreshold';
  treatMissingData: 'ignore' | 'missing' | 'breaching' | 'notBreaching';
  description: string;
}

/** An alarm as CloudWatch describes it. */
export interface Alarm {
  spec: AlarmSpec;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
}

/** CloudWatch alarms: provisioning (put) and readiness (describe). */
export interface AlarmApi {
  /** The named alarms that exist in `region` (DescribeAlarms, all pages). */
  describeAlarms(region: string, names: string[]): Promise<Alarm[]>;
  /** PutMetricAlarm: creates or replaces the alarm. */
  putAlarm(spec: AlarmSpec): Promise<void>;
}

/** One of an ARC cluster's regional data-plane endpoints, as the config lists them. */
export interface ClusterEndpoint {
  region: string;
  url: string;
}

/** On or Off, as ARC spells it. */
export type RoutingControlState = 'On' | 'Off';

/**
 * Route 53 ARC's cluster data plane (route53-recovery-cluster). Each call
 * tries the cluster's endpoints in shuffled order and moves on at
 * EndpointTemporarilyUnavailableException; the endpoints come from the
 * config and are never looked up (that API is in us-west-2).
 */
export interface RoutingControlApi {
  getRoutingControlState(routingControlArn: string): Promise<RoutingControlState>;
  /**
   * One UpdateRoutingControlStates for all entries, so that an assertion rule
   * ("at least one On") holds throughout. `safetyRulesToOverride` only on an
   * operator's explicit break-glass.
   */
  updateRoutingControlStates(
    entries: { routingControlArn: string; state: RoutingControlState }[],
    safetyRulesToOverride?: string[],
  ): Promise<void>;
}

/** What the authoritative name servers say. */
export interface DnsAnswer {
  /** The server asked, as given (a host name or address, with an optional :port). */
  server: string;
  /** The answer's values: CNAME targets (lower case, trailing dot) or addresses. Empty for NXDOMAIN or NODATA. */
  values: string[];
  /** Why there is no answer (timeout, refused, SERVFAIL). */
  error?: string;
}

/** DNS queries sent straight to a zone's authoritative servers. */
export interface AuthoritativeDns {
  /** Ask one server for `name`'s records of `type`, with a deadline. Never throws: a failure is an answer with `error`. */
  query(server: string, name: string, type: 'A' | 'AAAA' | 'CNAME', deadlineMs: number): Promise<DnsAnswer>;
}

/** The data-plane switch providers of one cloud (aws, sim). */
export interface TrafficProviders {
  votes: VoteBallot;
  healthChecks: HealthCheckApi;
  alarms: AlarmApi;
  /** The data plane of one ARC cluster. */
  routingControls(endpoints: ClusterEndpoint[]): RoutingControlApi;
  authoritativeDns: AuthoritativeDns;
}
