/** One SSM Automation execution. */
export interface AutomationExecution {
  executionId: string;
  /** SSM's AutomationExecutionStatus, verbatim: Pending, InProgress, Waiting, Success, TimedOut, Cancelling, Cancelled, Failed, … */
  status: string;
  /** The failure message SSM reports, when it failed. */
  failureMessage?: string;
  /** The document's outputs, when it has any. */
  outputs?: Record<string, string[]>;
}

/** What to start: an Automation document with its parameters, in a region. */
export interface AutomationRequest {
  region: string;
  documentName: string;
  documentVersion?: string;
  parameters?: Record<string, string[]>;
  /**
   * Idempotency token (StartAutomationExecution's ClientToken): the same
   * token starts one execution however often the request is sent.
   */
  clientToken: string;
}

/** SSM Automation: start an execution, read it. */
export interface AutomationProvider {
  start(request: AutomationRequest): Promise<string>;
  describe(region: string, executionId: string): Promise<AutomationExecution>;
}
