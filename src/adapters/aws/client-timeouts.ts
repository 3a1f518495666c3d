/** A client's deadlines: the TCP (and TLS) connect, and the whole wait for an answer once the request is sent. */
export interface ClientTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
}

/**
 * The SDK's NodeHttpHandler options for these deadlines. Without
 * `throwOnRequestTimeout` the handler of @smithy/node-http-handler 4 only
 * logs a warning when `requestTimeout` passes and goes on waiting: the call
 * must fail (TimeoutError) to be a deadline at all.
 */
export function handlerOptions(timeouts: ClientTimeouts): ClientTimeouts & { throwOnRequestTimeout: true } {
  return { ...timeouts, throwOnRequestTimeout: true };
}

/** Connecting to a regional endpoint takes tens of milliseconds; seconds mean it is not there. */
const CONNECT_MS = 3_000;

/**
 * Every AWS client's deadlines, by what it calls. Without them a call into a
 * region that accepts connections and never answers waits for the SDK's
 * socket default, minutes, and a failover waits with it. Each request
 * timeout is well above the calls' normal answer time (AWS's control-plane
 * calls answer in well under a second, and the slowest here, a
 * CreateDBInstanceReadReplica that checks its source across regions, in a
 * few) and well below anything a run can afford to lose to one hung
 * connection. A timeout counts as transient (aws-errors.ts): a read is
 * retried, a change is judged by reading the world (act-once.ts).
 *
 * The reader invocation waits for the reader function itself, whose own
 * timeout is 25 s (serverless.yml); the API function that waits for it has 29 s.
 */
export const CLIENT_TIMEOUTS = {
  rds: { connectionTimeout: CONNECT_MS, requestTimeout: 15_000 },
  autoscaling: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  ec2: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  cloudwatch: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  route53: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  // A Publish is small: a topic endpoint slower than this is in trouble, and a notification is never worth the wait.
  sns: { connectionTimeout: 2_000, requestTimeout: 4_000 },
  // Readiness only: IAM's simulation of the runbook role's calls (its endpoint is in us-east-1).
  iam: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  // The state store is on every decision's path; DynamoDB answers in milliseconds.
  dynamodb: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  lambdaReader: { connectionTimeout: CONNECT_MS, requestTimeout: 27_000 },
  // An asynchronous invocation is queued and answered at once (202).
  lambdaDispatch: { connectionTimeout: CONNECT_MS, requestTimeout: 5_000 },
  // The step library of user runbooks. ECS, SSM and ElastiCache are control-plane calls like Auto Scaling's.
  ecs: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  ssm: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  elasticache: { connectionTimeout: CONNECT_MS, requestTimeout: 10_000 },
  // A synchronous Invoke waits for the user's function to finish: hooks run in seconds, so two minutes is a function in
  // trouble, and still far inside the runbook worker's own 900 s. A longer job belongs in SSM Automation (start, then poll).
  lambda: { connectionTimeout: CONNECT_MS, requestTimeout: 120_000 },
  // One of an ARC cluster's regional data-plane endpoints (arc-routing-controls.ts): a slow one is left for the next,
  // so each gets little; five of them still fit in a Lambda's budget.
  arcCluster: { connectionTimeout: 2_000, requestTimeout: 4_000 },
} as const satisfies Record<string, ClientTimeouts>;
