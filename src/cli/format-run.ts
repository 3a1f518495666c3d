import type { RunRecord, StepProgress } from './api-types.js';

/**
 * How the CLI words a run's steps and its rollback: the same words as the
 * status page (src/api/pages/status-page.ts), written again here because
 * the CLI loads nothing of the server. Pure.
 */

/** A step's status for people: a step whose check found its goal already true is "already done" (stored as `skipped`). */
export function stepLabel(status: StepProgress['status']): string {
  return status === 'skipped' ? 'already done' : status;
}

/** A step's message, without the "already done" its label already says. */
export function stepText(step: Pick<StepProgress, 'status' | 'message'>): string {
  const message = step.message ?? '';
  if (step.status !== 'skipped') return message;
  if (message === 'already done') return '';
  return message.startsWith('already done: ') ? message.slice('already done: '.length) : message;
}

/** "last seen at 12:04:55Z: 1/1 probes failing (HTTP 503); wanted: 1/1 probes ok": what a polling step saw last. */
export function formatObservation(seen: NonNullable<StepProgress['lastObservation']>): string {
  return `last seen at ${new Date(seen.at).toISOString().slice(11, 19)}Z: ${seen.text}`;
}

/** Whether an operator asked for a rollback and it did not undo everything (or did not say what it did). */
export function rollbackIncomplete(run: Pick<RunRecord, 'cancelRequested' | 'rollback'>): boolean {
  return run.cancelRequested?.rollback === true && run.rollback?.outcome !== 'complete';
}

/**
 * What a cancel's rollback did, one fact per line: which compensations
 * failed and why first, then what was undone; nothing when none was asked.
 */
export function formatRollback(run: Pick<RunRecord, 'cancelRequested' | 'rollback'>): string[] {
  const r = run.rollback;
  if (!r) return run.cancelRequested?.rollback === true ? ['  rollback: its outcome was not recorded: read the journal (failover runs RUN_ID --json)'] : [];
  if (r.outcome === 'complete') return [`  rollback complete: ${r.undone.length > 0 ? `undone ${r.undone.join(', ')}` : 'the run had changed nothing to undo'}`];
  return [
    `  ROLLBACK ${r.outcome === 'partial' ? 'INCOMPLETE' : 'FAILED'}: ${r.notUndone.length} step(s) not undone; what they did stands`,
    ...r.notUndone.map((n) => `    not undone: ${n.step}: ${n.error}`),
    `    undone: ${r.undone.length > 0 ? r.undone.join(', ') : 'nothing'}`,
    '    check the world before anything else: failover status, failover plan',
  ];
}
