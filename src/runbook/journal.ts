import type { Clock } from '../ports/clock.js';
import type { Fence, StateStore } from '../ports/state-store.js';
import type { JournalEntry } from './run.js';

/**
 * The append-only journal of one run. Each append names the sequence number
 * it expects to write, so the store refuses it if another writer got there
 * first. Appends are serialised here because parallel steps share a journal.
 */
export class Journal {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly runId: string,
    private readonly store: StateStore,
    private readonly clock: Clock,
    private seq: number,
    private readonly fence?: Fence,
  ) {}

  /** Open the journal of a run, continuing after its last entry; with a fence, every append proves the lease is still ours. */
  static async open(runId: string, store: StateStore, clock: Clock, fence?: Fence): Promise<Journal> {
    const entries = await store.readJournal(runId);
    // After the highest entry, not the count: a journal with a gap must never have an entry written over.
    return new Journal(runId, store, clock, entries.at(-1)?.seq ?? 0, fence);
  }

  /** Append one entry and wait until it is stored. */
  append(type: JournalEntry['type'], stepId?: string, detail?: Record<string, unknown>): Promise<void> {
    const write = this.tail.then(async () => {
      const entry: JournalEntry = { seq: this.seq + 1, at: this.clock.now(), runId: this.runId, type };
      if (stepId !== undefined) entry.stepId = stepId;
      if (detail !== undefined) entry.detail = detail;
      await this.store.appendJournal(entry, this.fence);
      this.seq = entry.seq;
    });
    // Keep the chain alive after a failed append; the caller still sees the error.
    this.tail = write.catch(() => undefined);
    return write;
  }
}
