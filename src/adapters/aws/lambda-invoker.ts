import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PermanentError, TransientError } from '../../errors/errors.js';
import type { FunctionInvoker, FunctionRef, FunctionResult } from '../../ports/function-invoker.js';
import { awsErrorCode, translateAwsError } from './aws-errors.js';
import type { CloudClients } from './cloud-clients.js';

/**
 * Invoke's answers that the default translation would get wrong
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
 * Lambda answers these configuration problems of the function with 502, a
 * server fault, yet no retry mends them: the function's KMS key, its VPC
 * subnets or security groups, its code package or runtime.
 */
const BROKEN_FUNCTION = new Set([
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'EC2AccessDeniedException',
  'InvalidSubnetIDException',
  'InvalidSecurityGroupIDException',
  'InvalidZipFileException',
  'InvalidRuntimeException',
]);

/**
 * And these it answers with 409 although they pass: the function is being
 * created or updated (state Pending), or a SnapStart version is still being
 * made ready.
 */
const NOT_READY_YET = new Set(['ResourceConflictException', 'SnapStartNotReadyException']);

/** `shop-flush-cache:live (eu-west-1)`, for error messages. */
function where(ref: FunctionRef): string {
  return `${ref.functionName}${ref.qualifier ? `:${ref.qualifier}` : ''} (${ref.region})`;
}

/**
 * The function port on AWS Lambda (API version 2015-03-31): one synchronous
 * Invoke (InvocationType RequestResponse) in the ref's region, the payload
 * as JSON bytes. A function that fails is an answer, not an error: Lambda
 * still answers 200, with X-Amz-Function-Error (the SDK's FunctionError)
 * set to Unhandled or Handled and the error object as the payload
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax),
 * and the port hands both to the step. Lambda's own refusals are errors:
 * ResourceNotFoundException (no such function or qualifier) is permanent,
 * TooManyRequestsException and 5xx transient.
 *
 * The invocation goes out once (the change client): a re-send after a
 * timeout would find the first run still going, which the function's
 * idempotency refuses as in progress. The engine retries a transient error
 * later, when the same idempotency key gets the stored answer.
 */
export class LambdaInvoker implements FunctionInvoker {
  constructor(private readonly clients: CloudClients) {}

  async invoke(ref: FunctionRef, payload: Record<string, unknown>): Promise<FunctionResult> {
    const operation = `Invoke ${where(ref)}`;
    const client = this.clients.lambda(ref.region, 'change');
    const command = new InvokeCommand({
      FunctionName: ref.functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
      ...(ref.qualifier ? { Qualifier: ref.qualifier } : {}),
    });
    const out = await client.send(command).catch((err: unknown) => {
      throw translateInvokeError(err, operation);
    });
    if (out.StatusCode !== 200) {
      throw new PermanentError(`${operation}: expected status 200 for a synchronous invocation, got ${out.StatusCode}`);
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    return { payload: parsePayload(text), ...(out.FunctionError ? { functionError: out.FunctionError } : {}) };
  }
}

/** Like translateAwsError, with Lambda's own exceptions to its rules (BROKEN_FUNCTION, NOT_READY_YET). */
function translateInvokeError(err: unknown, operation: string): Error {
  const translated = translateAwsError(err, operation);
  const code = awsErrorCode(err);
  if (BROKEN_FUNCTION.has(code)) return new PermanentError(translated.message);
  if (NOT_READY_YET.has(code)) return new TransientError(translated.message);
  return translated;
}

/** The function's response: JSON when it is JSON (a Node handler's return value always is), else the text as it came. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
