import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { runbooks } from '../../../runbooks/index.js';
import { FailbackBody, FailoverBody } from '../../../src/api/schemas.js';
import type { DrillLayout, DrillRecord } from '../../../src/drills/drill.js';
import { cleanLayout, drillAttention, needsOperator, type RunChanges, runChanges, stoppedHalfWay } from '../../../src/drills/drill-attention.js';
import { CAPACITY_STEPS } from '../../../src/drills/drill-phases.js';
import type { JournalEntry, RunRecord } from '../../../src/runbook/run.js';
import { flattenSteps } from '../../../src/runbook/step.js';
import { DRILL_T0, drillFixture } from '../../support/drill-fixture.js';
import { runFixture } from '../../support/run-fixture.js';

const T0 = DRILL_T0;

function drill(patch: Partial<DrillRecord> = {}): DrillRecord {
  return drillFixture({ status: 'failed', stage: 'ended', version: 3, ...patch });
}

function run(patch: Partial<RunRecord> = {}): RunRecord {
  return {
    ...runFixture({ trigger: 'automatic', reason: 'r', status: 'failed', createdAt: T0 }),
    steps: [
      { id: 'promote-standby-database', title: 'Promote the standby database', status: 'succeeded' },
      { id: 'switch-dns-to-standby', title: 'Switch DNS to the standby', status: 'failed', message: 'ChangeResourceRecordSets: AccessDenied' },
      { id: 'verify-application-in-standby', title: 'Verify', status: 'pending' },
    ],
    ...patch,
  };
}

const SPLIT: DrillLayout = {
  at: T0,
  dnsRegion: 'us-east-1',
  databases: [
    { region: 'us-east-1', role: 'writer', status: 'available' },
    { region: 'eu-west-1', role: 'writer', status: 'available' },
  ],
};

describe('drillAttention', () => {
  it('is absent while every run reached its goal or still runs', () => {
    expect(drillAttention(drill(), [run({ status: 'succeeded' }), run({ kind: 'failback', status: 'running' })])).toBeUndefined();
    expect(drillAttention(drill(), [undefined, undefined])).toBeUndefined();
  });

  it('names the stopped run, its failed step, the layout it left and what to do', () => {
    const attention = drillAttention(drill({ endLayout: SPLIT }), [run(), undefined])!;
    expect(attention.summary).toBe(
      'Operator action needed: the failover run run-1 failed at step switch-dns-to-standby (ChangeResourceRecordSets: AccessDenied) and may have left shop half way between us-east-1 and eu-west-1. DNS points at us-east-1; databases: us-east-1 writer, eu-west-1 writer (2 writers).',
    );
    expect(attention.run).toEqual({ id: 'run-1', kind: 'failover', status: 'failed', from: 'us-east-1', to: 'eu-west-1', failedStep: { id: 'switch-dns-to-standby', title: 'Switch DNS to the standby', status: 'failed', message: 'ChangeResourceRecordSets: AccessDenied' } });
    expect(attention.layout).toEqual(SPLIT);
    expect(attention.actions[1]).toBe('us-east-1 and eu-west-1 both accept writes and no longer replicate: make sure writes go to one of them only (DNS sends traffic to us-east-1).');
  });

  it('says when DNS sends traffic to a region whose database cannot take writes, and what could not be read', () => {
    const layout: DrillLayout = {
      at: T0,
      dnsRegion: 'us-east-1',
      databases: [
        { region: 'us-east-1', role: 'replica', replicaOf: 'eu-west-1', status: 'available' },
        { region: 'eu-west-1', role: 'unknown' },
      ],
      errors: ['database of eu-west-1 not read: timeout'],
    };
    const failback = run({ kind: 'failback', from: 'eu-west-1', to: 'us-east-1', status: 'cancelled', steps: [{ id: 'promote-original-database', title: 'Promote', status: 'stopped' }] });
    const attention = drillAttention(drill({ endLayout: layout }), [run({ status: 'succeeded' }), failback])!;
    expect(attention.run).toMatchObject({ id: 'run-1', kind: 'failback', status: 'cancelled', failedStep: { id: 'promote-original-database', status: 'stopped' } });
    expect(attention.summary).toContain('DNS points at us-east-1; databases: us-east-1 replica of eu-west-1, eu-west-1 unknown (no writer).');
    expect(attention.actions).toEqual([
      'Read what the run did and did not do: GET /runs/run-1.',
      'DNS sends traffic to us-east-1, whose database is a read replica: writes fail there.',
      'No database accepts writes.',
      'Check by hand: database of eu-west-1 not read: timeout.',
      'Settle the layout: finish the failback (POST /failback with {"app":"shop","reason":"finish the failback run run-1 that game day drill-1 left half way"}; each step first checks whether its goal already holds) or put eu-west-1 back as it was by hand. Nothing repairs it automatically.',
    ]);
  });

  it('asks for the layout to be read by hand when this controller could not read it', () => {
    const attention = drillAttention(drill(), [run()])!;
    expect(attention.layout).toBeUndefined();
    expect(attention.summary).toMatch(/Its layout was not read\.$/);
    expect(attention.actions[1]).toBe('Read where DNS points and which database is the writer: this controller could not read them.');
  });
});

describe('stoppedHalfWay', () => {
  it('finds a failed or cancelled run, not a running or succeeded one', () => {
    expect(stoppedHalfWay([run({ status: 'running' }), run({ status: 'succeeded' })])).toBeUndefined();
    expect(stoppedHalfWay([undefined, run({ id: 'run-2', status: 'cancelled' })])?.id).toBe('run-2');
  });
});

/** A journal from [type, stepId] pairs. */
function journal(...entries: [JournalEntry['type'], string?][]): JournalEntry[] {
  return entries.map(([type, stepId], i) => ({ seq: i + 1, at: T0 + i, runId: 'run-1', type, ...(stepId ? { stepId } : {}) }));
}

const CLEAN: DrillLayout = {
  at: T0,
  dnsRegion: 'us-east-1',
  databases: [
    { region: 'us-east-1', role: 'writer', status: 'available' },
    { region: 'eu-west-1', role: 'replica', replicaOf: 'us-east-1', status: 'available' },
  ],
};

describe('runChanges', () => {
  it('keeps the acts that succeeded and were not rolled back, and tells acts of unknown outcome apart', () => {
    const changes = runChanges(
      journal(
        ['run-started'],
        ['act-started', 'scale-up-standby-compute'],
        ['act-succeeded', 'scale-up-standby-compute'],
        ['act-started', 'promote-standby-database'],
        ['act-succeeded', 'promote-standby-database'],
        ['act-started', 'switch-dns-to-standby'],
        ['act-succeeded', 'switch-dns-to-standby'],
        ['act-started', 'verify-application-in-standby'],
        ['compensation-started', 'switch-dns-to-standby'],
        ['compensation-succeeded', 'switch-dns-to-standby'],
        ['compensation-failed', 'promote-standby-database'],
      ),
    );
    expect(changes).toEqual({ kept: ['scale-up-standby-compute', 'promote-standby-database'], uncertain: ['verify-application-in-standby'] });
  });

  it('says nothing changed when every act was undone', () => {
    expect(runChanges(journal(['act-started', 'scale-up-standby-compute'], ['act-succeeded', 'scale-up-standby-compute'], ['compensation-succeeded', 'scale-up-standby-compute'], ['run-cancelled']))).toEqual({ kept: [], uncertain: [] });
  });
});

describe('needsOperator', () => {
  const none: RunChanges = { kept: [], uncertain: [] };
  it.each<[string, DrillLayout | undefined, RunChanges | undefined, boolean]>([
    ['an RPO gate rejected after the standby scaled up (capacity only, clean layout)', CLEAN, { kept: ['scale-up-standby-compute'], uncertain: [] }, false],
    ['a cancel whose rollback undid everything', CLEAN, none, false],
    ['nothing changed and the layout was not read', undefined, none, false],
    ['a promotion was kept', CLEAN, { kept: ['promote-standby-database'], uncertain: [] }, true],
    ['a promotion was kept and the layout was not read', undefined, { kept: ['promote-standby-database'], uncertain: [] }, true],
    ['an act of unknown outcome, with a clean layout read', CLEAN, { kept: [], uncertain: ['switch-dns-to-standby'] }, false],
    ['an act of unknown outcome, with no layout read', undefined, { kept: [], uncertain: ['switch-dns-to-standby'] }, true],
    ['two writers, whatever the journal says', SPLIT, none, true],
    ['a layout read with errors', { ...CLEAN, errors: ['DNS record not read: timeout'] }, none, true],
    ['the journal could not be read', CLEAN, undefined, true],
  ])('%s: %s', (_, layout, changes, expected) => {
    expect(needsOperator(layout, changes)).toBe(expected);
  });
});

describe('cleanLayout', () => {
  it('is one writer, with DNS on its region, read without errors', () => {
    expect(cleanLayout(CLEAN)).toBe(true);
    expect(cleanLayout({ ...CLEAN, dnsRegion: 'eu-west-1' })).toBe(false);
    expect(cleanLayout(SPLIT)).toBe(false);
    expect(cleanLayout({ ...CLEAN, databases: [{ region: 'us-east-1', role: 'replica' }, { region: 'eu-west-1', role: 'replica' }] })).toBe(false);
    const { dnsRegion: _, ...unread } = CLEAN;
    expect(cleanLayout(unread)).toBe(false);
  });
});

describe('drillAttention with the run\'s journal', () => {
  it('raises none for a run stopped at the RPO gate, or cancelled with a rollback that undid it all', () => {
    const rejected = run({ steps: [{ id: 'check-data-loss-within-rpo', title: 'RPO', status: 'failed', message: 'rejected by bob' }] });
    expect(drillAttention(drill({ endLayout: CLEAN }), [rejected], { kept: ['scale-up-standby-compute'], uncertain: [] })).toBeUndefined();
    expect(drillAttention(drill({ endLayout: CLEAN }), [run({ status: 'cancelled' })], { kept: [], uncertain: [] })).toBeUndefined();
  });

  it('says what the run changed and did not undo', () => {
    const attention = drillAttention(drill({ endLayout: SPLIT }), [run()], { kept: ['scale-up-standby-compute', 'promote-standby-database'], uncertain: [] })!;
    expect(attention.actions[0]).toBe('Read what the run did and did not do: GET /runs/run-1. It changed, and did not undo: scale-up-standby-compute, promote-standby-database.');
  });

  it('suggests request bodies the API accepts as they stand (a reason included)', () => {
    const bodyOf = (action: string) => JSON.parse(/ with (\{.*?\});/.exec(action)![1]!) as unknown;
    const failover = drillAttention(drill({ endLayout: SPLIT }), [run()])!.actions.at(-1)!;
    expect(Value.Check(FailoverBody, bodyOf(failover))).toBe(true);
    const failback = drillAttention(drill({ endLayout: SPLIT }), [run({ kind: 'failback', from: 'eu-west-1', to: 'us-east-1' })])!.actions.at(-1)!;
    expect(Value.Check(FailbackBody, bodyOf(failback))).toBe(true);
  });
});

describe('CAPACITY_STEPS', () => {
  it('names steps of the shipped runbooks only', () => {
    const known = new Set(Object.values(runbooks).flatMap((book) => flattenSteps(book.root).map((s) => s.id)));
    for (const id of CAPACITY_STEPS) expect(known.has(id), id).toBe(true);
  });
});
