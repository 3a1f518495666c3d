import type { StepProgress } from './run.js';
import type { StepObservation } from './step.js';

/**
 * How many verification polls that saw something go by between two saves
 * of a step's last observation. Each save is a store write of the whole run
 * record, and a verification polls up to ~150 times in 5 minutes.
 */
export const OBSERVATION_SAVE_EVERY_POLLS = 5;

/** "1/1 probes failing (HTTP 503); wanted: 1/1 probes ok": a step's observation as one short sentence. */
export function describeObservation(o: Pick<StepObservation, 'current' | 'desired'>): string {
  return `${o.current}; wanted: ${o.desired}`;
}

/**
 * What a step's verification last saw while it polls. Every poll puts it on
 * the step's progress in memory (any save of the run carries it); it is
 * saved by itself on the first poll that saw something and every
 * OBSERVATION_SAVE_EVERY_POLLS such polls after, so a long wait is not
 * silent and does not cost a write per poll.
 */
export class PollObservations {
  private polls = 0;
  private seen: string | undefined;

  constructor(
    private readonly progress: StepProgress,
    private readonly now: () => number,
    private readonly save: () => Promise<void>,
  ) {}

  /** What this poll saw, said by the step's verify (StepContext.observed) or by the engine from `observe`. */
  see(text: string): void {
    this.seen = text;
  }

  /** After a poll: keep what it saw, and save it when due. */
  async polled(): Promise<void> {
    const text = this.seen;
    this.seen = undefined;
    if (text === undefined) return;
    this.progress.lastObservation = { at: this.now(), text };
    if (this.polls++ % OBSERVATION_SAVE_EVERY_POLLS === 0) await this.save();
  }

  /** "; last seen at 12:04:55Z: …", to end a timeout's message with what the step saw; '' when it saw nothing. */
  lastSeen(): string {
    const last = this.progress.lastObservation;
    return last ? `; last seen at ${new Date(last.at).toISOString().slice(11, 19)}Z: ${last.text}` : '';
  }
}
