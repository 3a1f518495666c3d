import type { ActResult } from './step.js';
import type { JournalEntry } from './run.js';

/** What the journal says about one step of an interrupted run. */
export type ReplayedStep =
  | { state: 'finished'; outcome: 'succeeded' | 'skipped' }
  /** The act was journaled as done: only its verification is left. */
  | { state: 'acted'; acted: ActResult }
  /** The act was started but its end was never journaled: it may or may not have happened. */
  | { state: 'in-flight' }
  | { state: 'started' };

/** The story of a run so far, from its journal. */
export interface Replay {
  /** Set when the run already ended. */
  ended?: 'succeeded' | 'failed' | 'cancelled';
  steps: Map<string, ReplayedStep>;
  /** Steps that succeeded, in the order they finished (for rollback). */
  succeededOrder: string[];
  /** Approval gates that already asked for an approval. */
  approvalRequested: Set<string>;
  /** Steps whose act was issued, in the order the acts started (for rollback). */
  actedOrder: string[];
  /** Steps whose compensation already succeeded. */
  compensated: Set<string>;
  /** What each step's act returned, as journaled (kept after the step finished): handed to its compensation. */
  actResults: Map<string, ActResult>;
}

/** Rebuild a run's progress from its journal entries, in sequence order. */
export function replayJournal(entries: JournalEntry[]): Replay {
  const steps = new Map<string, ReplayedStep>();
  const succeededOrder: string[] = [];
  const approvalRequested = new Set<string>();
  const actedOrder: string[] = [];
  const compensated = new Set<string>();
  const actResults = new Map<string, ActResult>();
  let ended: Replay['ended'];
  for (const entry of entries) {
    const id = entry.stepId;
    switch (entry.type) {
      case 'run-succeeded':
        ended = 'succeeded';
        break;
      case 'run-failed':
        ended = 'failed';
        break;
      case 'run-cancelled':
        ended = 'cancelled';
        break;
      case 'step-started':
        if (id && !steps.has(id)) steps.set(id, { state: 'started' });
        break;
      case 'act-started':
        if (id) {
          steps.set(id, { state: 'in-flight' });
          if (!actedOrder.includes(id)) actedOrder.push(id);
        }
        break;
      case 'compensation-succeeded':
        if (id) compensated.add(id);
        break;
      case 'act-succeeded':
        if (id) {
          steps.set(id, { state: 'acted', acted: (entry.detail ?? {}) as ActResult });
          actResults.set(id, (entry.detail ?? {}) as ActResult);
        }
        break;
      case 'step-succeeded':
      case 'step-skipped':
        if (id) {
          steps.set(id, { state: 'finished', outcome: entry.type === 'step-succeeded' ? 'succeeded' : 'skipped' });
          if (entry.type === 'step-succeeded') succeededOrder.push(id);
        }
        break;
      case 'approval-requested':
        if (id) approvalRequested.add(id);
        break;
      default:
        break;
    }
  }
  return { ...(ended ? { ended } : {}), steps, succeededOrder, approvalRequested, actedOrder, compensated, actResults };
}
