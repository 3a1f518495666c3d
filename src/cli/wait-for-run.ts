import type { ApiClient } from './api-client.js';
import type { RunDetail, RunRecord } from './api-types.js';
import { CliError } from './exit-codes.js';
import { formatApprovalWait, pendingApproval } from './format.js';
import type { RunReporter } from './progress.js';

/** How often a followed run is polled. */
export const POLL_MS = 500;

/**
 * Follow a run until it ends: poll GET /runs/:id every POLL_MS (through the
 * injected sleep, so tests drive it with their clock), report each state,
 * and say once per gate when the run waits for an approval, with the
 * command that answers it. Returns the finished run.
 */
export async function waitForRun(client: ApiClient, runId: string, options: { reporter: RunReporter; sleep: (ms: number) => Promise<void> }): Promise<RunRecord> {
  const announced = new Set<string>();
  try {
    for (;;) {
      let detail: RunDetail;
      try {
        detail = await client.get<RunDetail>(`/runs/${encodeURIComponent(runId)}`);
      } catch (err) {
        // Losing sight of the run does not stop it: say how to find it again.
        if (err instanceof CliError) throw new CliError(`${err.message}\nthe run goes on in the controller; follow it with: failover runs ${runId}`, err.exitCode, err.details);
        throw err;
      }
      const { run, journal } = detail;
      options.reporter.update(run);
      const gate = pendingApproval(run, journal);
      if (gate && !announced.has(`${gate.stepId}@${gate.requestedAt}`)) {
        announced.add(`${gate.stepId}@${gate.requestedAt}`);
        options.reporter.note(formatApprovalWait(run, gate));
      }
      if (run.status !== 'running') return run;
      await options.sleep(POLL_MS);
    }
  } finally {
    options.reporter.stop();
  }
}
