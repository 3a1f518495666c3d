import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PermanentError } from '../../errors/errors.js';
import type { ReadRequest, ReadResponse, ReadTransport } from '../remote/read-protocol.js';
import { awsCall } from './aws-errors.js';
import { CLIENT_TIMEOUTS, handlerOptions } from './client-timeouts.js';

/**
 * Sends a batch of reads to the reader function of this stack with a
 * synchronous Lambda invocation (InvocationType RequestResponse) and returns
 * its answer. A reader that fails as a whole (it threw, or timed out) fails
 * every read of the batch with its own message; Lambda's throttling and 5xx
 * are transient, like any AWS call's.
 */
export class LambdaReadTransport implements ReadTransport {
  private readonly client: LambdaClient;

  constructor(
    private readonly functionName: string,
    options: { region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string }; maxAttempts?: number },
  ) {
    this.client = new LambdaClient({
      region: options.region,
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: handlerOptions(CLIENT_TIMEOUTS.lambdaReader),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async read(request: ReadRequest): Promise<ReadResponse> {
    const operation = `Invoke ${this.functionName} (${request.reads.length} ${request.reads.length === 1 ? 'read' : 'reads'})`;
    const out = await awsCall(operation, () =>
      this.client.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(request)) }), {
        // One budget for every attempt: the SDK retries a timed-out attempt, and the API function that waits has 29 s in all.
        abortSignal: AbortSignal.timeout(CLIENT_TIMEOUTS.lambdaReader.requestTimeout),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) throw new PermanentError(`${operation}: the function failed (${out.FunctionError}): ${functionErrorMessage(text)}`);
    if (out.StatusCode !== 200) throw new PermanentError(`${operation}: expected status 200 for a synchronous invocation, got ${out.StatusCode}`);
    try {
      return JSON.parse(text) as ReadResponse;
    } catch {
      throw new PermanentError(`${operation}: the answer is not JSON: ${text.slice(0, 200)}`);
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** Lambda's error payload ({ errorType, errorMessage }) in a line, or the raw payload. */
function functionErrorMessage(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    if (parsed.errorMessage) return parsed.errorType ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
  } catch {
    // Not JSON: say what came back.
  }
  return payload.slice(0, 200) || '(no payload)';
}
