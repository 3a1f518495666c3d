import type { ApiIamPrincipal, ApiRole } from '../../config/types.js';
import { callerKey } from '../../controller/separate-approver.js';

/** The part of an API Gateway HTTP API (payload 2.0) event that carries the IAM caller. */
interface IamEvent {
  requestContext?: { authorizer?: { iam?: { userArn?: unknown } } };
}

/**
 * The IAM principal API Gateway's AWS_IAM authorizer verified, from the
 * Lambda event @fastify/aws-lambda attaches to the request (never from a
 * header: those are the client's to forge).
 */
export function iamPrincipalArn(request: object): string | undefined {
  const lambda = (request as { awsLambda?: { event?: IamEvent } }).awsLambda;
  const arn = lambda?.event?.requestContext?.authorizer?.iam?.userArn;
  return typeof arn === 'string' && arn.length > 0 ? arn : undefined;
}

/**
 * The roles of an IAM principal: those of the first configured entry, in the
 * order of the config, that matches its ARN. Any other principal API Gateway
 * let through may read, like any valid token.
 *
 * An entry matches when its ARN equals the principal's, or, when it ends in
 * `*`, when the principal's ARN starts with everything before the `*` (the
 * `*` stands for any characters, `/` included, as in IAM policies):
 * - `arn:aws:sts::123456789012:assumed-role/SRE-OnCall/*` matches every
 *   session of the role SRE-OnCall, and nothing else;
 * - `arn:aws:sts::123456789012:assumed-role/SRE-OnCall*` (no `/` before the
 *   `*`) also matches every session of SRE-OnCall-ReadOnly, SRE-OnCallX and
 *   any other role whose name starts with SRE-OnCall.
 * So end a role's entry in `/*`, and list narrower entries before broader
 * ones: the first match wins, its roles are not merged with later ones.
 */
export function iamRoles(arn: string, principals: readonly ApiIamPrincipal[]): readonly ApiRole[] {
  const entry = principals.find((p) => (p.arn.endsWith('*') ? arn.startsWith(p.arn.slice(0, -1)) : arn === p.arn));
  return entry ? entry.roles : ['viewer'];
}

/**
 * What the rate limit counts an IAM principal as: its `callerKey`, so an
 * assumed-role session counts as its role, because a new session name per
 * request would otherwise get a fresh allowance each time. Any other ARN (an
 * IAM user, a role ARN) is its own key. The audit trail and the run records
 * keep the full ARN, session included: it says who, while this says whose quota.
 */
export function iamRateLimitKey(arn: string): string {
  return callerKey(arn);
}
