import type { RunRecord } from '../runbook/run.js';

/**
 * Hands a run that was just created to the worker that executes it (on
 * AWS: an asynchronous invocation of the runbook function of this region).
 * Resolves once the worker has been asked, not when the run ends.
 */
export interface RunDispatcher {
  dispatch(run: RunRecord): Promise<void>;
}
