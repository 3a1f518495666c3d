import * as Type from 'typebox';
import type { Static } from 'typebox';

/**
 * Route 53's API requests per second per account that the default share is
 * cut from. The quota is per account, not per caller: "Rate throttling
 * happens when the number of API requests is greater than the hard limit of
 * five requests per second, per account"
 * (https://repost.aws/knowledge-center/route-53-avoid-throttling-errors;
 * the Developer Guide's "Throttling for Amazon Route 53 API requests",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html,
 * now documents a token bucket refilled at 10 per second per account, with
 * a burst of 50). 5 is the lower, long-standing figure, and every stack of
 * the deployment, the console and other tools in the account draw on it.
 */
export const ROUTE53_ACCOUNT_REQUESTS_PER_SECOND = 5;

/** The `route53` section of failover.yaml. */
export const Route53Schema = Type.Object(
  {
    /**
     * Route 53 API requests per second one controller process may send. Default: 5 divided by the
     * number of regions in the configuration (one controller stack per region, all in one account).
     */
    requestsPerSecond: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 50,
        description:
          "Route 53 API requests per second one controller process may send: its share of the account's quota (5 per second per account). Default: 5 divided by the number of regions in the configuration, since every region runs a controller stack in the same account.",
        'x-message': 'must be a number of requests per second above 0 and at most 50',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The `route53` section with its default filled in. Why a share, and not a
 * token bucket shared through the state table: the quota is per account,
 * and every regional stack runs its own processes; a shared bucket would
 * cost a conditional DynamoDB write (and its latency, on a global table
 * also its replication) per Route 53 request, on the failover path. A fixed
 * share per stack keeps the sum of the stacks within the quota with no
 * coordination; bursts of several processes of one stack at once are left
 * to Route 53's answer, Throttling, which the adapters treat as transient
 * and the runbook engine retries with backoff.
 */
export function normalizeRoute53(input: Static<typeof Route53Schema> | undefined, regionNames: readonly string[]): { requestsPerSecond: number } {
  const stacks = Math.max(1, new Set(regionNames).size);
  return { requestsPerSecond: input?.requestsPerSecond ?? ROUTE53_ACCOUNT_REQUESTS_PER_SECOND / stacks };
}
