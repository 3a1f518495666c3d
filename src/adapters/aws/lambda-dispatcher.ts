import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PermanentError } from '../../errors/errors.js';
import type { RunDispatcher } from '../../ports/run-dispatcher.js';
import type { RunRecord } from '../../runbook/run.js';
import { awsCall } from './aws-errors.js';
import { CLIENT_TIMEOUTS, handlerOptions } from './client-timeouts.js';

/** What the runbook function receives when a run is handed to it. */
export interface RunbookInvocation {
  source: 'failover-controller';
  runId: string;
  app: string;
}

/**
 * Hands runs to the runbook function with an asynchronous Lambda invocation
 * (InvocationType Event): Lambda queues the event and answers 202 at once,
 * and retries the invocation itself if the function fails or is throttled.
 * The worker resumes every running run of its region from the store, so the
 * payload only says which run woke it.
 */
export class LambdaRunDispatcher implements RunDispatcher {
  private readonly client: LambdaClient;

  constructor(
    private readonly functionName: string,
    options: { region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } },
  ) {
    this.client = new LambdaClient({
      region: options.region,
      maxAttempts: 3,
      requestHandler: handlerOptions(CLIENT_TIMEOUTS.lambdaDispatch),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async dispatch(run: RunRecord): Promise<void> {
    const payload: RunbookInvocation = { source: 'failover-controller', runId: run.id, app: run.app };
    const out = await awsCall(`Invoke ${this.functionName} (run ${run.id})`, () =>
      this.client.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(payload)) })),
    );
    if (out.StatusCode !== 202) throw new PermanentError(`Invoke ${this.functionName}: expected status 202 for an asynchronous invocation, got ${out.StatusCode}`);
  }

  destroy(): void {
    this.client.destroy();
  }
}
