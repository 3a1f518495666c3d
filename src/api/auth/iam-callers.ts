import type { ApiIamPrincipal, ApiRole } from '../../config/types.js';

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
 * The roles of an IAM principal: those of the first configured entry that
 * names it (exactly, or by a prefix ending in `*`, which matches every
 * session of an assumed role). Any other principal API Gateway let through
 * may read, like any valid token.
 */
export function iamRoles(arn: string, principals: readonly ApiIamPrincipal[]): readonly ApiRole[] {
  const entry = principals.find((p) => (p.arn.endsWith('*') ? arn.startsWith(p.arn.slice(0, -1)) : arn === p.arn));
  return entry ? entry.roles : ['viewer'];
}
