import { describe, expect, it } from 'vitest';
import { rollbackOutcome } from '../../../src/runbook/rollback.js';
import type { JournalEntry } from '../../../src/runbook/run.js';

let seq = 0;
const entry = (type: JournalEntry['type'], stepId?: string, detail?: Record<string, unknown>): JournalEntry => ({ seq: ++seq, at: 1_000 + seq, runId: 'run-1', type, ...(stepId ? { stepId } : {}), ...(detail ? { detail } : {}) });

describe('rollbackOutcome: what a rollback did, from the journal', () => {
  it('is complete when every compensation succeeded, or when there was nothing to undo', () => {
    expect(rollbackOutcome([entry('compensation-started', 'b'), entry('compensation-succeeded', 'b'), entry('compensation-started', 'a'), entry('compensation-succeeded', 'a')])).toEqual({ outcome: 'complete', undone: ['b', 'a'], notUndone: [] });
    expect(rollbackOutcome([entry('run-started'), entry('step-skipped', 'a')])).toEqual({ outcome: 'complete', undone: [], notUndone: [] });
  });

  it('is failed when nothing was undone, partial when some of it was, each step with why', () => {
    expect(rollbackOutcome([entry('compensation-failed', 'promote', { error: 'promote cannot be undone' })])).toEqual({ outcome: 'failed', undone: [], notUndone: [{ step: 'promote', error: 'promote cannot be undone' }] });
    expect(rollbackOutcome([entry('compensation-failed', 'dns', { error: 'Throttling' }), entry('compensation-succeeded', 'scale'), entry('compensation-failed', 'x')])).toEqual({
      outcome: 'partial',
      undone: ['scale'],
      notUndone: [
        { step: 'dns', error: 'Throttling' },
        { step: 'x', error: 'not undone' },
      ],
    });
  });

  it('reads a resumed rollback by each step\'s last compensation: one that failed, then succeeded, is undone', () => {
    expect(rollbackOutcome([entry('compensation-failed', 'dns', { error: 'timeout' }), entry('compensation-succeeded', 'scale'), entry('compensation-succeeded', 'dns')])).toEqual({ outcome: 'complete', undone: ['scale', 'dns'], notUndone: [] });
  });
});
