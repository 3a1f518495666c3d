import { ConflictError, PermanentError, TransientError } from '../../errors/errors.js';

/**
 * Error codes AWS documents as "slow down" or "try again": retried with
 * backoff. Route 53 answers both of its own with HTTP 400, which alone would
 * read as permanent: `Throttling` ("Rate exceeded": the account's request
 * quota) and `PriorRequestNotComplete` ("Route 53 was still processing a
 * prior request" for the same hosted zone; the request was not applied)
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html,
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html).
 */
const TRANSIENT_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'PriorRequestNotComplete',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ScalingActivityInProgress',
  'ScalingActivityInProgressFault',
  'ResourceContention',
  'ResourceContentionFault',
  'TimeoutError',
]);

/** Network failures below HTTP: the request may or may not have arrived. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** The AWS error code of an SDK exception (its `name`), or a Node network code. */
export function awsErrorCode(err: unknown): string {
  const e = (err ?? {}) as AwsLikeError;
  return e.name && e.name !== 'Error' ? e.name : (e.code ?? 'UnknownError');
}

/**
 * Translate an SDK exception into the project's own errors, so nothing
 * outside adapters/aws ever sees an AWS type: throttling, 5xx and network
 * trouble are transient; `conflictCodes` (e.g. Route 53's InvalidChangeBatch)
 * are conflicts; everything else is permanent. The message keeps the
 * operation, the AWS error code and AWS's own words.
 */
export function translateAwsError(err: unknown, operation: string, conflictCodes: readonly string[] = []): Error {
  const e = (err ?? {}) as AwsLikeError;
  const code = awsErrorCode(err);
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId ? ` (request ${e.$metadata.requestId})` : '';
  const message = `${operation}: ${code}: ${e.message ?? String(err)}${requestId}`;
  if (conflictCodes.includes(code)) return new ConflictError(message);
  const transient =
    TRANSIENT_CODES.has(code) ||
    NETWORK_CODES.has(e.code ?? '') ||
    e.$retryable !== undefined ||
    e.$fault === 'server' ||
    status === 429 ||
    (status !== undefined && status >= 500);
  return transient ? new TransientError(message) : new PermanentError(message);
}

/** Run one SDK call, translating whatever it throws. */
export async function awsCall<T>(operation: string, fn: () => Promise<T>, conflictCodes: readonly string[] = []): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateAwsError(err, operation, conflictCodes);
  }
}
