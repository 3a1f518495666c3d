import type { JournalEntry, RunRecord } from './run.js';
import { replayJournal } from './journal-replay.js';

/**
 * Why a run's journal cannot be continued safely, or undefined when it can.
 * The journal is the truth a resumed run acts on; the run record is a view
 * of it written after each entry. A journal with gaps, without its first
 * entry, or missing steps the record shows as done has lost entries (a
 * damaged or partly restored store): continuing would re-run acts that
 * already happened, or skip checks, so the run must stop for a person.
 */
export function journalProblem(run: RunRecord, entries: JournalEntry[]): string | undefined {
  const gap = entries.findIndex((e, i) => e.seq !== i + 1);
  if (gap >= 0) return `the journal jumps from entry ${gap} to entry ${entries[gap]!.seq}: entries are missing`;
  if (entries.length > 0 && entries[0]!.type !== 'run-started') return `the journal starts with ${entries[0]!.type}, not run-started: its first entries are missing`;
  const replay = replayJournal(entries);
  const lost = run.steps.filter((s) => (s.status === 'succeeded' || s.status === 'skipped' || s.status === 'failed') && replay.steps.get(s.id) === undefined);
  if (lost.length > 0) {
    const names = lost.map((s) => `${s.id} (${s.status})`).join(', ');
    return entries.length === 0 ? `the journal is empty, but the run record shows ${names}` : `the run record shows ${names}, which the journal does not have`;
  }
  const unfinished = run.steps.filter((s) => (s.status === 'succeeded' || s.status === 'skipped') && replay.steps.get(s.id)?.state !== 'finished');
  if (unfinished.length > 0) return `the run record shows ${unfinished.map((s) => s.id).join(', ')} finished, but the journal does not`;
  return undefined;
}
