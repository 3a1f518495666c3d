/** A Lambda function (name, ARN or partial ARN, with an optional qualifier) in a region. */
export interface FunctionRef {
  region: string;
  functionName: string;
  /** A version or alias. */
  qualifier?: string;
}

/** What a synchronous invocation returned (Invoke, RequestResponse). */
export interface FunctionResult {
  /** The function's response, parsed as JSON when it is JSON, else the text. */
  payload: unknown;
  /**
   * Set when the function itself failed (Invoke's X-Amz-Function-Error:
   * `Unhandled`, or `Handled`); the payload then holds its error.
   */
  functionError?: string;
}

/**
 * Invokes functions synchronously. The payload carries an idempotency key
 * that the function is expected to honour (Powertools for AWS Lambda's
 * idempotency utility): a resumed run that invokes again with the same key
 * gets the first answer and no second effect.
 */
export interface FunctionInvoker {
  invoke(ref: FunctionRef, payload: Record<string, unknown>): Promise<FunctionResult>;
}
