import type { StateStore } from '../ports/state-store.js';
import type { JournalEntry, RunRecord } from '../runbook/run.js';

/** An approval gate a run is waiting at: what it asks and until when. */
export interface PendingApproval {
  app: string;
  runId: string;
  kind: RunRecord['kind'];
  from: string;
  to: string;
  stepId: string;
  stepTitle: string;
  /** The gate's prompt, e.g. the RPO guard's data loss estimate. */
  reason: string;
  requestedAt: number;
  /** When the gate gives up (and fails or proceeds, as `onTimeout` says). */
  deadline?: number;
  onTimeout?: 'fail' | 'proceed';
}

/**
 * The gates of `run` still waiting for an answer: asked for in the journal,
 * not yet approved or rejected, on a step still running. Parallel branches
 * may each wait at a gate, so there can be several. Pure.
 */
export function pendingApprovals(run: RunRecord, journal: readonly JournalEntry[]): PendingApproval[] {
  if (run.status !== 'running') return [];
  const asked = new Map<string, JournalEntry>();
  for (const entry of journal) {
    if (!entry.stepId) continue;
    if (entry.type === 'approval-requested') asked.set(entry.stepId, entry);
    else if (entry.type === 'approved' || entry.type === 'rejected') asked.delete(entry.stepId);
  }
  const pending: PendingApproval[] = [];
  for (const [stepId, entry] of asked) {
    const step = run.steps.find((s) => s.id === stepId);
    if (step?.status !== 'running') continue;
    const reason = typeof entry.detail?.['reason'] === 'string' ? entry.detail['reason'] : 'an operator must approve this step';
    const timeoutMs = entry.detail?.['timeoutMs'];
    const onTimeout = entry.detail?.['onTimeout'];
    pending.push({
      app: run.app,
      runId: run.id,
      kind: run.kind,
      from: run.from,
      to: run.to,
      stepId,
      stepTitle: step.title,
      reason,
      requestedAt: entry.at,
      // The engine counts the gate's timeout from the step's start.
      ...(typeof timeoutMs === 'number' ? { deadline: (step.startedAt ?? entry.at) + timeoutMs } : {}),
      ...(onTimeout === 'fail' || onTimeout === 'proceed' ? { onTimeout } : {}),
    });
  }
  return pending;
}

/** The pending approvals of the given runs (those not running have none, and cost no read). */
export async function loadPendingApprovals(store: StateStore, runs: readonly RunRecord[]): Promise<PendingApproval[]> {
  const running = runs.filter((r) => r.status === 'running');
  const journals = await Promise.all(running.map((r) => store.readJournal(r.id)));
  return running.flatMap((run, i) => pendingApprovals(run, journals[i]!));
}
