import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';
import type { Journal } from './journal.js';
import type { Replay } from './journal-replay.js';
import { withRetry, type RetryPolicy } from './retry.js';
import type { JournalEntry, RollbackOutcome, RunRecord } from './run.js';
import { flattenSteps, type Runbook, type RunbookNode, type StepContext } from './step.js';

/**
 * Undo what a cancelled run did, newest first: every step whose act was
 * issued (finished or not), with its compensation, each journaled. Steps
 * already undone (a resumed rollback) are skipped. A step that cannot be
 * undone is reported, and nothing that came after it in sequence is undone
 * either: DNS pointed back at a lost region after a promotion would split
 * the brain.
 */
export async function rollBack(
  book: Runbook,
  replay: Replay,
  deps: { run: RunRecord; journal: Journal; context: Omit<StepContext, 'run' | 'log' | 'signal' | 'actInFlight'>; log: Logger; clock: Clock; retry: RetryPolicy; random: () => number },
): Promise<void> {
  const { journal, run } = deps;
  const steps = new Map(flattenSteps(book.root).map((s) => [s.id, s]));
  const irreversible = replay.actedOrder.filter((id) => !steps.get(id)?.compensate);
  for (const id of [...replay.actedOrder].reverse()) {
    const step = steps.get(id);
    if (replay.compensated.has(id)) continue;
    if (!step?.compensate) {
      await journal.append('compensation-failed', id, { error: `${id} cannot be undone` });
      continue;
    }
    const blocker = irreversible.find((x) => precedes(book.root, x, id));
    if (blocker) {
      await journal.append('compensation-failed', id, { error: `${id} not undone: it came after ${blocker}, which cannot be undone` });
      continue;
    }
    const ctx: StepContext = { ...deps.context, run, log: deps.log.child({ stepId: id }), signal: new AbortController().signal, actInFlight: false };
    await journal.append('compensation-started', id);
    try {
      await withRetry(() => step.compensate!(ctx, replay.actResults.get(id)), { policy: deps.retry, clock: deps.clock, random: deps.random });
      await journal.append('compensation-succeeded', id);
    } catch (err) {
      // Keep undoing the rest: a half-undone rollback is reported, not hidden.
      await journal.append('compensation-failed', id, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * What a rollback did, from the run's journal (so that a rollback resumed
 * in another process, or a record left behind by a crash, reads the same):
 * each step's last compensation entry says whether its act was undone. Pure.
 */
export function rollbackOutcome(entries: JournalEntry[]): RollbackOutcome {
  const last = new Map<string, { undone: true } | { undone: false; error: string }>();
  for (const entry of entries) {
    if (!entry.stepId) continue;
    if (entry.type === 'compensation-succeeded') {
      last.delete(entry.stepId);
      last.set(entry.stepId, { undone: true });
    } else if (entry.type === 'compensation-failed') {
      last.delete(entry.stepId);
      const error = entry.detail?.['error'];
      last.set(entry.stepId, { undone: false, error: typeof error === 'string' ? error : 'not undone' });
    }
  }
  const undone = [...last].filter(([, r]) => r.undone).map(([step]) => step);
  const notUndone = [...last].flatMap(([step, r]) => (r.undone ? [] : [{ step, error: r.error }]));
  const outcome = notUndone.length === 0 ? 'complete' : undone.length === 0 ? 'failed' : 'partial';
  return { outcome, undone, notUndone };
}

/** Whether step `a` runs before step `b` in sequence (not side by side) in the runbook's tree. */
export function precedes(node: RunbookNode, a: string, b: string): boolean {
  if (node.kind === 'step') return false;
  const ia = node.children.findIndex((c) => flattenSteps(c).some((s) => s.id === a));
  const ib = node.children.findIndex((c) => flattenSteps(c).some((s) => s.id === b));
  if (ia < 0 || ib < 0) return false;
  if (ia === ib) return precedes(node.children[ia]!, a, b);
  return node.kind === 'sequence' && ia < ib;
}
