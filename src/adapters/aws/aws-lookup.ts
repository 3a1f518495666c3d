import { awsErrorCode, translateAwsError } from './aws-errors.js';

/**
 * Run one SDK read whose "not found" answer is a fact, not a failure:
 * those error codes resolve to undefined; everything else is translated
 * like `awsCall` does. The SDK names modelled faults after the shape
 * (DBInstanceNotFoundFault) while the wire code can differ
 * (DBInstanceNotFound), so callers list both.
 */
export async function awsLookup<T>(operation: string, notFoundCodes: readonly string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (notFoundCodes.includes(awsErrorCode(err))) return undefined;
    throw translateAwsError(err, operation);
  }
}
